import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { DocumentEntity } from './document.entity.js';
import { DocumentsHandler } from './documents.handler.js';
import { DocumentsProcessor } from './documents.processor.js';

/** Documents: the projection, its state rules and the consumer of the documents queue. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([DocumentEntity])],
  providers: [DocumentsHandler, DocumentsProcessor],
})
export class DocumentsModule {}
