import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import type { TypedConfigService } from '@app/config';
import { JobName, QueueName, WORKER_OPTIONS } from '@app/queue';
import { PayloadRetention, RetentionSweep } from './payload-retention.service.js';

export const PAYLOAD_RETENTION_SCHEDULER = 'payload-retention';
export const PAYLOAD_RETENTION_EVERY_MS = 60 * 60 * 1000;

/**
 * Runs the payload-retention sweep as a BullMQ job scheduler (`payload-retention` on the maintenance
 * queue): every worker process upserts the same scheduler at boot, so there is one job per hour
 * whatever the number of workers, and the sweep's advisory lock keeps a slow run from overlapping the
 * next. Without EVENT_PAYLOAD_RETENTION_DAYS the scheduler is removed, so switching it off takes
 * effect at the next start of any worker.
 */
@Processor(QueueName.Maintenance, { ...WORKER_OPTIONS, concurrency: 1 })
export class PayloadRetentionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(PayloadRetentionProcessor.name);
  private readonly retentionDays: number | null;

  constructor(
    private readonly retention: PayloadRetention,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    super();
    this.retentionDays = config.get('app', { infer: true }).eventPayloadRetentionDays;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.retentionDays === null) {
      if (await this.queue.removeJobScheduler(PAYLOAD_RETENTION_SCHEDULER)) this.logger.log({ msg: 'payload retention switched off' });
      return;
    }
    await this.queue.upsertJobScheduler(
      PAYLOAD_RETENTION_SCHEDULER,
      { every: PAYLOAD_RETENTION_EVERY_MS, immediately: true },
      { name: JobName.ClearPayloads, data: {}, opts: { attempts: 1, removeOnComplete: { count: 48 }, removeOnFail: { count: 100 } } },
    );
    this.logger.log({ msg: 'payload retention scheduled', retentionDays: this.retentionDays, everyMs: PAYLOAD_RETENTION_EVERY_MS });
  }

  async process(job: Job): Promise<RetentionSweep> {
    if (job.name !== JobName.ClearPayloads) throw new UnrecoverableError(`unexpected job ${job.name} on ${QueueName.Maintenance}`);
    // A scheduler left by a process configured otherwise: nothing to clear under this configuration.
    if (this.retentionDays === null) return { cleared: 0, finished: true, through: null };
    return this.retention.sweep(this.retentionDays);
  }
}
