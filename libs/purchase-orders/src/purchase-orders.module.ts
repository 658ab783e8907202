import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { PurchaseOrdersProcessor } from './purchase-orders.processor.js';
import { PurchaseOrdersService } from './purchase-orders.service.js';

/** Worker-side only: it registers the consumer of the purchase-orders queue. */
@Module({
  imports: [ProcessingModule],
  providers: [PurchaseOrdersService, PurchaseOrdersProcessor],
  exports: [PurchaseOrdersService, PurchaseOrdersProcessor],
})
export class PurchaseOrdersModule {}
