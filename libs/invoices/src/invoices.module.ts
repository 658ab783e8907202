import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { InvoicesProcessor } from './invoices.processor.js';
import { InvoicesService } from './invoices.service.js';

/** Worker-side only: it registers the consumer of the invoices queue. */
@Module({
  imports: [ProcessingModule],
  providers: [InvoicesService, InvoicesProcessor],
  exports: [InvoicesService, InvoicesProcessor],
})
export class InvoicesModule {}
