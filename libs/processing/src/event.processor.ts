import { WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { EventJobData } from '@app/queue';
import { EventPipeline } from './event-pipeline.service.js';
import type { ProcessOutcome } from './process-outcome.js';

/**
 * A queue consumer of events: subclasses only name their queue with @Processor. The pipeline
 * validates the job, applies the event with the handler of its category and decides retries and
 * dead letters; nothing here knows a domain.
 */
@Injectable()
export abstract class EventProcessor extends WorkerHost {
  constructor(private readonly pipeline: EventPipeline) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job);
  }
}
