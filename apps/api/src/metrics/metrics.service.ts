import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { TypedConfigService } from '@app/config';
import { DEAD_LETTER_REASONS, OPEN_DEAD_LETTER_COUNTS_SQL } from '@app/processing';
import { EventCategory } from '@app/flexport';
import { NOTIFIED_MILESTONES } from '@app/notifications';
import {
  EventCounter,
  HistogramSnapshot,
  LatencyHistogram,
  MAX_IGNORED_TYPES,
  metricsKey,
  MetricsSnapshot,
  OTHER_TYPE,
  parseMetricsHash,
  ServiceGauge,
} from '@app/observability';
import { ALL_QUEUES, QueueName, REDIS, type RedisClient, withinMs } from '@app/queue';
import { RECONCILE_FAILURE_REASONS } from '@app/reconciliation';
import { QueueRegistry } from '../queue-registry.js';
import { ExternalHistogram } from './redis-histogram.js';

const SOURCE_TIMEOUT_MS = 1500;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const CATEGORIES = Object.values(EventCategory);

interface Scrape {
  events: MetricsSnapshot | null;
  queues: Map<QueueName, Record<string, number>> | null;
  deadLetters: Map<string, number> | null;
}

/**
 * GET /metrics. The service's counters and latency histograms are cluster-wide totals kept in Redis
 * by whichever process saw the event (intake here, the pipeline in the workers: see EventMetrics);
 * queue depths come from BullMQ and dead-letter counts from Postgres, all read at scrape time.
 * Only the `process_*` / `nodejs_*` defaults describe this API process alone.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  private readonly key: string;
  private current: Scrape = { events: null, queues: null, deadLetters: null };
  private inFlight: Promise<string> | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(ConfigService) config: TypedConfigService,
    private readonly queues: QueueRegistry,
    private readonly dataSource: DataSource,
  ) {
    this.key = metricsKey(config.get('app', { infer: true }).queuePrefix);
    collectDefaultMetrics({ register: this.registry });
    this.eventCounter('flexport_webhooks_received_total', 'Signed events accepted by intake (queued or duplicate).', EventCounter.Received);
    this.eventCounter('flexport_webhooks_duplicate_total', 'Deliveries of an event intake had already queued.', EventCounter.Duplicate);
    this.eventCounter(
      'flexport_events_processed_total',
      'Events whose state change committed (unknown types: kept as ignored).',
      EventCounter.Processed,
    );
    this.eventCounter(
      'flexport_events_failed_total',
      'Transient processing failures (each is retried, then dead-lettered).',
      EventCounter.Failed,
    );
    this.eventCounter('flexport_events_dead_lettered_total', 'Events dead-lettered.', EventCounter.DeadLettered);
    this.eventCounter(
      'flexport_events_redelivered_total',
      'Runs of an event the log already held as done: no effect.',
      EventCounter.Redelivered,
    );
    this.labelledCounter(
      'flexport_events_ignored_total',
      `Events kept as ignored (a type the catalogue does not map), by type: the first ${MAX_IGNORED_TYPES} types seen, the rest as "${OTHER_TYPE}".`,
      'type',
      EventCounter.Ignored,
      [],
    );
    this.labelledCounter(
      'flexport_webhooks_verification_failed_total',
      'Webhooks refused for a missing or wrong signature.',
      'reason',
      EventCounter.SignatureRejected,
      ['missing', 'invalid', 'sha1_refused'],
    );
    this.labelledCounter(
      'flexport_webhooks_legacy_signature_total',
      'Webhooks signed only with the legacy HMAC-SHA1 X-Hub-Signature, by outcome (refused when ACCEPT_SHA1_SIGNATURES=false).',
      'outcome',
      EventCounter.LegacySignature,
      ['accepted', 'refused'],
    );
    this.labelledCounter(
      'flexport_notifications_dropped_total',
      'Notification jobs dropped unsent: their URL is not (or no longer) in NOTIFY_WEBHOOK_URLS.',
      'reason',
      EventCounter.NotificationDropped,
      ['url_not_configured'],
    );
    this.labelledCounter(
      'flexport_webhooks_quarantined_total',
      'Signed bodies that are not events (kept as dead letters).',
      'kind',
      EventCounter.Quarantined,
      ['body'],
    );
    this.labelledCounter(
      'flexport_webhooks_unavailable_total',
      'Webhooks answered 503 because Redis could not take them (Flexport retries them).',
      'reason',
      EventCounter.Unavailable,
      ['queue'],
    );
    this.labelledCounter(
      'flexport_notifications_delivered_total',
      'Milestone notifications a URL accepted.',
      'milestone',
      EventCounter.NotificationsDelivered,
      NOTIFIED_MILESTONES,
    );
    this.labelledCounter(
      'flexport_notifications_failed_total',
      'Notification attempts that failed (retried with backoff, dead on the last).',
      'milestone',
      EventCounter.NotificationsFailed,
      NOTIFIED_MILESTONES,
    );
    this.labelledCounter(
      'flexport_notifications_dead_total',
      'Notifications whose retries ran out (dead deliveries).',
      'milestone',
      EventCounter.NotificationsDead,
      NOTIFIED_MILESTONES,
    );
    this.labelledCounter(
      'flexport_event_payloads_cleared_total',
      'Event payloads cleared by payload retention (EVENT_PAYLOAD_RETENTION_DAYS).',
      'status',
      EventCounter.PayloadsCleared,
      ['processed'],
    );
    const scrape = () => this.current;
    this.labelledCounter(
      'flexport_reconcile_runs_total',
      'Reconciliation runs with Flexport’s Events API that ended, by result.',
      'result',
      EventCounter.ReconcileRuns,
      ['succeeded', 'failed'],
    );
    this.labelledCounter(
      'flexport_reconcile_run_failures_total',
      'Failed reconciliation runs, by reason.',
      'reason',
      EventCounter.ReconcileFailures,
      RECONCILE_FAILURE_REASONS,
    );
    this.eventCounter(
      'flexport_reconcile_events_listed_total',
      'Events the Events API listed to reconciliation runs.',
      EventCounter.ReconcileListed,
    );
    this.eventCounter(
      'flexport_reconcile_events_missing_total',
      'Listed events the service did not have: queued by reconciliation (source reconcile).',
      EventCounter.ReconcileMissing,
    );
    this.serviceGauge(
      'flexport_reconcile_last_success_timestamp_seconds',
      'Unix time the last reconciliation run succeeded (absent until one has).',
      ServiceGauge.ReconcileLastSuccess,
    );
    this.registry.registerMetric(
      new ExternalHistogram('flexport_event_processing_seconds', 'Pipeline time of runs that processed an event.', () =>
        this.histogram(LatencyHistogram.Processing),
      ).asMetric(),
    );
    this.registry.registerMetric(
      new ExternalHistogram('flexport_event_end_to_end_seconds', 'From receipt of the webhook to the commit of its state change.', () =>
        this.histogram(LatencyHistogram.EndToEnd),
      ).asMetric(),
    );
    new Gauge({
      name: 'flexport_queue_jobs',
      help: 'Jobs per queue and state.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [queue, counts] of scrape().queues ?? []) {
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
    this.serviceGauge(
      'flexport_webhook_last_received_timestamp_seconds',
      'Unix time of the latest webhook intake accepted (to within half a second); absent until the first.',
      ServiceGauge.LastReceived,
    );
    new Gauge({
      name: 'flexport_dead_letters',
      help: 'Dead letters not yet resolved by a replay, by reason.',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        const counts = scrape().deadLetters;
        if (counts) for (const reason of DEAD_LETTER_REASONS) this.set({ reason }, counts.get(reason) ?? 0);
      },
    });
    new Gauge({
      name: 'flexport_metrics_source_up',
      help: 'Whether the last scrape could read each source (0: its metrics are missing from this scrape).',
      labelNames: ['source'],
      registers: [this.registry],
      collect() {
        const { events, queues, deadLetters } = scrape();
        this.set({ source: 'redis' }, events && queues ? 1 : 0);
        this.set({ source: 'postgres' }, deadLetters ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Concurrent scrapes share one read of the sources. */
  scrape(): Promise<string> {
    this.inFlight ??= this.read()
      .then(async (current) => {
        this.current = current;
        return this.registry.metrics();
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private async read(): Promise<Scrape> {
    const [events, queues, deadLetters] = await Promise.allSettled([
      withinMs(SOURCE_TIMEOUT_MS, this.redis.hgetall(this.key)).then(parseMetricsHash),
      withinMs(
        SOURCE_TIMEOUT_MS,
        Promise.all(ALL_QUEUES.map(async (name) => [name, await this.queues.get(name).getJobCounts(...QUEUE_STATES)] as const)),
      ).then((entries) => new Map(entries)),
      withinMs(SOURCE_TIMEOUT_MS, this.dataSource.query(OPEN_DEAD_LETTER_COUNTS_SQL), 'postgres').then(
        (rows: { reason: string; n: number }[]) => new Map(rows.map((row) => [row.reason, row.n])),
      ),
    ]);
    for (const failed of [events, queues, deadLetters].filter((r) => r.status === 'rejected')) {
      this.logger.warn({ msg: 'metrics source unavailable', error: String((failed as PromiseRejectedResult).reason) });
    }
    const value = <T>(result: PromiseSettledResult<T>) => (result.status === 'fulfilled' ? result.value : null);
    return { events: value(events), queues: value(queues), deadLetters: value(deadLetters) };
  }

  private histogram(histogram: LatencyHistogram): ReadonlyMap<string, HistogramSnapshot> {
    return this.current.events?.histograms.get(histogram) ?? new Map();
  }

  private eventCounter(name: string, help: string, counter: EventCounter): void {
    this.labelledCounter(name, help, 'category', counter, CATEGORIES);
  }

  /** A counter whose values are the Redis totals; the known labels show as 0 until counted. */
  private labelledCounter(name: string, help: string, label: string, counter: EventCounter, known: readonly string[]): void {
    const scrape = () => this.current;
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        this.reset();
        const events = scrape().events;
        if (!events) return;
        const values = events.counters.get(counter) ?? new Map<string, number>();
        for (const value of new Set([...known, ...values.keys()])) this.inc({ [label]: value }, values.get(value) ?? 0);
      },
    });
  }

  /** A service-wide value the processes write to the metrics hash; absent until one has. */
  private serviceGauge(name: string, help: string, gauge: ServiceGauge): void {
    const scrape = () => this.current;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        const value = scrape().events?.gauges.get(gauge);
        if (value !== undefined) this.set(value);
      },
    });
  }
}
