import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { MilestonesService } from './milestones.service.js';

@Processor(QueueName.Milestones, WORKER_OPTIONS)
export class MilestonesProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly milestones: MilestonesService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.milestones);
  }
}

@Processor(QueueName.Transit, WORKER_OPTIONS)
export class TransitProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly milestones: MilestonesService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.milestones);
  }
}
