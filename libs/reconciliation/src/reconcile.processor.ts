import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { TypedConfigService } from '@app/config';
import { QueueUnavailableError } from '@app/intake';
import { EventCounter, EventMetrics, ServiceGauge } from '@app/observability';
import { JobName, QueueName, WORKER_OPTIONS } from '@app/queue';
import { FlexportApiError } from './flexport-api.error.js';
import type {
  ReconcileCounts,
  ReconcileFailureReason,
  ReconcileJobData,
  ReconcileJobProgress,
  ReconcileJobResult,
} from './reconcile-job.js';
import { ReconcileRunner, ReconciliationDisabledError } from './reconcile.runner.js';
import { lookbackWindow, parseWindow, ReconcileWindow } from './reconcile-window.js';

export function failureReason(error: unknown): ReconcileFailureReason {
  if (error instanceof FlexportApiError) return error.reason;
  if (error instanceof QueueUnavailableError) return 'queue_unavailable';
  if (error instanceof ReconciliationDisabledError) return 'disabled';
  return 'error';
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs one reconciliation job: the window (a scheduled run's lookback up to now, or the one the
 * admin API asked for), its progress after each page, one log line and the metrics at the end. A
 * failed run fails its job (it is retried by the next scheduled run); a worker shutting down hands
 * the run back to the queue, where another worker starts it again.
 */
@Processor(QueueName.Reconcile, WORKER_OPTIONS)
export class ReconcileProcessor extends WorkerHost {
  private readonly logger = new Logger('Reconciliation');
  private readonly lookbackS: number;

  constructor(
    private readonly runner: ReconcileRunner,
    private readonly metrics: EventMetrics,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    super();
    this.lookbackS = config.get('app', { infer: true }).reconciliation.lookbackS;
  }

  // `signal` must be declared (BullMQ passes one only to a processor that takes three parameters).
  async process(job: Job<ReconcileJobData>, token?: string, signal?: AbortSignal): Promise<ReconcileJobResult> {
    if (job.name !== JobName.Reconcile) throw new UnrecoverableError(`unexpected job ${job.name} on ${QueueName.Reconcile}`);
    const started = new Date();
    const window = this.windowOf(job, started);
    const run: Omit<ReconcileJobProgress, keyof ReconcileCounts> = {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      startedAt: started.toISOString(),
    };
    let counts: ReconcileCounts = { listed: 0, alreadyKnown: 0, queued: 0, quarantined: 0, pages: 0 };
    const report = async (latest: ReconcileCounts) => {
      counts = latest;
      await job.updateProgress({ ...run, ...counts } satisfies ReconcileJobProgress);
    };
    const line = () => ({ runId: job.id, trigger: job.data.trigger, ...run, ...counts, durationMs: Date.now() - started.getTime() });
    try {
      await report(counts);
      await this.runner.run(window, report, signal);
    } catch (error) {
      if (signal?.aborted) {
        this.logger.warn({ msg: 'reconcile run handed back to the queue: the worker is stopping', ...line() });
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const reason = failureReason(error);
      this.metrics.count(EventCounter.ReconcileRuns, 'failed');
      this.metrics.count(EventCounter.ReconcileFailures, reason);
      this.logger.error({ msg: 'reconcile run failed', reason, error: messageOf(error), ...line() });
      throw error;
    }
    this.metrics.count(EventCounter.ReconcileRuns, 'succeeded');
    this.metrics.set(ServiceGauge.ReconcileLastSuccess, Date.now() / 1000);
    this.logger.log({ msg: 'reconcile run succeeded', ...line() });
    return { ...run, ...counts, finishedAt: new Date().toISOString() };
  }

  /** On shutdown a run stops between requests and goes back to the queue, instead of holding up the exit. */
  @OnWorkerEvent('closing')
  onClosing(): void {
    this.worker.cancelAllJobs('the worker is stopping');
  }

  private windowOf(job: Job<ReconcileJobData>, now: Date): ReconcileWindow {
    if (job.data?.trigger === 'schedule') return lookbackWindow(now, this.lookbackS);
    const window = parseWindow(job.data?.from, job.data?.to);
    if ('problem' in window) throw new UnrecoverableError(`reconcile job ${job.id}: ${window.problem}`);
    return window;
  }
}
