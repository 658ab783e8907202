import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { ContainersService } from './containers.service.js';

@Processor(QueueName.Containers, WORKER_OPTIONS)
export class ContainersProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly containers: ContainersService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.containers);
  }
}
