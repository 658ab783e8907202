import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { InvoicesService } from './invoices.service.js';

@Processor(QueueName.Invoices, WORKER_OPTIONS)
export class InvoicesProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly invoices: InvoicesService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.invoices);
  }
}
