import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { PurchaseOrderEntity } from './purchase-order.entity.js';
import { PurchaseOrdersHandler } from './purchase-orders.handler.js';
import { PurchaseOrdersProcessor } from './purchase-orders.processor.js';

/** Purchase orders: the projection, its state rules and the consumer of the purchase-orders queue. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([PurchaseOrderEntity])],
  providers: [PurchaseOrdersHandler, PurchaseOrdersProcessor],
})
export class PurchaseOrdersModule {}
