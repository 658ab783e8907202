import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { QuarantineJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline } from './event-pipeline.service.js';

/** Signed bodies that are not events go to the dead letters, reason `quarantined`, for a person to inspect. */
@Processor(QueueName.Quarantine, WORKER_OPTIONS)
export class QuarantineProcessor extends WorkerHost {
  constructor(private readonly pipeline: EventPipeline) {
    super();
  }

  process(job: Job<QuarantineJobData>): Promise<'quarantined' | 'duplicate'> {
    const { bodyBase64, receivedAt } = job.data ?? {};
    if (typeof bodyBase64 !== 'string' || typeof receivedAt !== 'string') {
      throw new UnrecoverableError('quarantine job carries no body');
    }
    return this.pipeline.quarantine(job.data);
  }
}
