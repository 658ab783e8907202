import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { InvoiceEntity } from './invoice.entity.js';
import { InvoicesHandler } from './invoices.handler.js';
import { InvoicesProcessor } from './invoices.processor.js';

/** Invoices: the projection, its state rules and the consumer of the invoices queue. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([InvoiceEntity])],
  providers: [InvoicesHandler, InvoicesProcessor],
})
export class InvoicesModule {}
