import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline } from './event-pipeline.service.js';
import { IgnoredEventsHandler } from './ignored-events.handler.js';
import type { ProcessOutcome } from './process-outcome.js';

/** Events of unknown types are logged as `ignored`, never rejected (CONTRACT §3). */
@Processor(QueueName.UnknownEvents, WORKER_OPTIONS)
export class UnknownEventsProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly ignored: IgnoredEventsHandler,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.ignored);
  }
}
