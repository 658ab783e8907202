import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { DocumentsService } from './documents.service.js';

@Processor(QueueName.Documents, WORKER_OPTIONS)
export class DocumentsProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly documents: DocumentsService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.documents);
  }
}
