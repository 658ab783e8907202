import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { BookingsService } from './bookings.service.js';

@Processor(QueueName.Bookings, WORKER_OPTIONS)
export class BookingsProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly bookings: BookingsService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.bookings);
  }
}
