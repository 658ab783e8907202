import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bullmq';
import type { ReconciliationConfig, TypedConfigService } from '@app/config';
import { JobName, QueueName } from '@app/queue';
import { RECONCILE_JOB_OPTIONS, RECONCILE_SCHEDULER_ID, ReconcileJobData } from './reconcile-job.js';

/** How long a worker waits before trying again to set the schedule when Redis refused. */
export const SCHEDULE_RETRY_MS = 30_000;

/**
 * Keeps the one reconciliation schedule of the deployment as this worker's configuration says: a
 * BullMQ job scheduler (one id, so every worker upserting it still makes one schedule and one job
 * per interval) when reconciliation is on, none when it is off. The queue runs one job at a time
 * across all processes (global concurrency 1). Never holds up the worker's start: when Redis is
 * away it tries again later.
 */
@Injectable()
export class ReconcileSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconciliation');
  private readonly config: ReconciliationConfig;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Settles once the schedule has been set (or removed); for tests and shutdown. */
  ready: Promise<void>;

  constructor(
    @InjectQueue(QueueName.Reconcile) private readonly queue: Queue<ReconcileJobData>,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.config = config.get('app', { infer: true }).reconciliation;
  }

  onApplicationBootstrap(): void {
    this.ready = new Promise((resolve) => this.apply(resolve));
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private apply(done: () => void): void {
    this.applyOnce().then(done, (error: unknown) => {
      if (this.stopped) return done();
      this.logger.warn({
        msg: 'could not set the reconciliation schedule; trying again',
        error: error instanceof Error ? error.message : String(error),
        retryInMs: SCHEDULE_RETRY_MS,
      });
      this.retry = setTimeout(() => this.apply(done), SCHEDULE_RETRY_MS).unref();
    });
  }

  private async applyOnce(): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    const { enabled, intervalS, lookbackS, apiUrl } = this.config;
    if (!enabled) {
      const removed = await this.queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
      this.logger.log({ msg: 'reconciliation is off (no Flexport API credentials)', scheduleRemoved: removed });
      return;
    }
    await this.queue.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: intervalS * 1000 },
      { name: JobName.Reconcile, data: { trigger: 'schedule' }, opts: RECONCILE_JOB_OPTIONS },
    );
    this.logger.log({ msg: 'reconciliation scheduled', everyS: intervalS, lookbackS, apiUrl });
  }
}
