import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { DocumentsProcessor } from './documents.processor.js';
import { DocumentsService } from './documents.service.js';

/** Worker-side only: it registers the consumer of the documents queue. */
@Module({
  imports: [ProcessingModule],
  providers: [DocumentsService, DocumentsProcessor],
  exports: [DocumentsService, DocumentsProcessor],
})
export class DocumentsModule {}
