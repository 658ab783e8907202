import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Job, JobState, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { TypedConfigService } from '@app/config';
import { JobName, QueueName, REDIS, type RedisClient } from '@app/queue';
import { RECONCILE_JOB_OPTIONS, ReconcileJobData, ReconcileJobProgress, ReconcileJobResult } from './reconcile-job.js';
import type { ReconcileAccepted, ReconcileRunStatus, ReconcileRunView } from './reconcile-run.js';
import { ReconciliationDisabledError } from './reconcile.runner.js';
import type { ReconcileWindow } from './reconcile-window.js';

/** Redis did not take the run: nothing was queued, the caller may ask again. */
export class ReconcileQueueUnavailableError extends Error {
  override name = 'ReconcileQueueUnavailableError';
}

export type ReconcileJob = Job<ReconcileJobData, ReconcileJobResult | undefined>;

function statusOf(state: JobState | 'unknown'): ReconcileRunStatus {
  if (state === 'completed') return 'succeeded';
  if (state === 'failed') return 'failed';
  return 'running';
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** What `GET /admin/reconcile/:runId` shows of a run's job: waiting, active, completed or failed. */
export function reconcileRunView(job: ReconcileJob, state: JobState | 'unknown'): ReconcileRunView {
  const status = statusOf(state);
  const result = status === 'succeeded' ? job.returnvalue : undefined;
  const progress = (result ?? (typeof job.progress === 'object' ? job.progress : {})) as Partial<ReconcileJobProgress>;
  const view: ReconcileRunView = {
    runId: String(job.id),
    status,
    trigger: job.data?.trigger ?? 'admin',
    from: progress.from ?? job.data?.from ?? null,
    to: progress.to ?? job.data?.to ?? null,
    listed: count(progress.listed),
    alreadyKnown: count(progress.alreadyKnown),
    queued: count(progress.queued),
    quarantined: count(progress.quarantined),
    pages: count(progress.pages),
    startedAt: progress.startedAt ?? null,
    finishedAt: status === 'running' ? null : (result?.finishedAt ?? (job.finishedOn ? new Date(job.finishedOn).toISOString() : null)),
  };
  if (status === 'failed') view.error = job.failedReason || 'the run failed';
  return view;
}

/**
 * Reconciliation runs as the admin API sees them: one is asked for by adding a job to the
 * `reconcile` queue (the worker runs it in the background), and read back from that job.
 */
@Injectable()
export class ReconcileRuns {
  private readonly logger = new Logger('Reconciliation');
  readonly enabled: boolean;

  constructor(
    @InjectQueue(QueueName.Reconcile) private readonly queue: Queue<ReconcileJobData>,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.enabled = config.get('app', { infer: true }).reconciliation.enabled;
  }

  /** Queues a run over `window` under a fresh run id. Throws when reconciliation is off or Redis did not take it. */
  async start(window: ReconcileWindow): Promise<ReconcileAccepted> {
    if (!this.enabled) throw new ReconciliationDisabledError();
    const runId = `reconcile-${randomUUID()}`;
    const data: ReconcileJobData = { trigger: 'admin', from: window.from.toISOString(), to: window.to.toISOString() };
    try {
      if (this.redis.status !== 'ready') throw new Error(`redis is ${this.redis.status}`);
      await this.queue.add(JobName.Reconcile, data, { ...RECONCILE_JOB_OPTIONS, jobId: runId });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ msg: 'reconcile run not queued: redis unavailable', error: message });
      throw new ReconcileQueueUnavailableError(message);
    }
    this.logger.log({ msg: 'reconcile run queued', runId, from: data.from, to: data.to });
    return { runId, status: 'running', from: data.from!, to: data.to! };
  }

  /** The run, or null when no reconcile job has that id (never asked for, or removed after a month). */
  async find(runId: string): Promise<ReconcileRunView | null> {
    const job = (await this.queue.getJob(runId)) as ReconcileJob | undefined;
    if (!job || job.name !== JobName.Reconcile) return null;
    return reconcileRunView(job, await job.getState());
  }
}
