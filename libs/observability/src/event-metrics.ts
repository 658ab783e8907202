import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import type { EventRunReport, PipelineObserver } from '@app/processing';
import { REDIS, type RedisClient } from '@app/queue';
import {
  ADD_IGNORED_TYPES_SCRIPT,
  counterField,
  EventCounter,
  histogramFields,
  IGNORED_TYPES_FIELD,
  LatencyHistogram,
  gaugeField,
  MAX_IGNORED_TYPES,
  metricsKey,
  OTHER_TYPE,
  ServiceGauge,
} from './metric-store.js';

const RECEIVED_PREFIX = counterField(EventCounter.Received, '');

/** How often the increments gathered in this process are added to the shared hash. */
export const METRICS_FLUSH_INTERVAL_MS = 500;

/**
 * Records the service's counters and latencies in Redis (see metric-store.ts), from whichever
 * process sees them: intake in the API, the event pipeline in the worker (as its PipelineObserver).
 * Increments are summed in memory and added with one pipeline per interval, so a webhook or an
 * event costs no Redis round trip of its own; a metric is never worth delaying or failing either.
 */
@Injectable()
export class EventMetrics implements PipelineObserver, BeforeApplicationShutdown {
  private readonly key: string;
  private pending = new Map<string, number>();
  /** Ignored events by type field; added through ADD_IGNORED_TYPES_SCRIPT, which caps the labels. */
  private ignored = new Map<string, number>();
  private pendingGauges = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.key = metricsKey(config.get('app', { infer: true }).queuePrefix);
    this.timer = setInterval(() => void this.flush(), METRICS_FLUSH_INTERVAL_MS).unref();
  }

  count(counter: EventCounter, label: string, by = 1): void {
    this.add(counterField(counter, label), by);
  }

  /** Sets a gauge for every process to see (the latest write wins), with the next flush. */
  set(gauge: ServiceGauge, value: number): void {
    this.pendingGauges.set(gaugeField(gauge), value);
  }

  onRun(report: EventRunReport): void {
    const category = report.category;
    switch (report.outcome) {
      case 'processed':
      case 'ignored': {
        if (report.outcome === 'ignored' && !report.replay) this.countIgnored(report.type);
        this.count(EventCounter.Processed, category);
        this.observe(LatencyHistogram.Processing, category, report.durationMs / 1000);
        const endToEnd = (Date.now() - Date.parse(report.receivedAt)) / 1000;
        if (!report.replay && Number.isFinite(endToEnd)) this.observe(LatencyHistogram.EndToEnd, category, endToEnd);
        return;
      }
      case 'failed':
        return this.count(EventCounter.Failed, category);
      case 'dead':
        return this.count(EventCounter.DeadLettered, category);
      case 'duplicate':
        return this.count(EventCounter.Redelivered, category);
    }
  }

  onPayloadsCleared(count: number): void {
    this.count(EventCounter.PayloadsCleared, 'processed', count);
  }

  /** Adds what this process gathered to the shared hash; kept for the next try when Redis is away. */
  async flush(): Promise<void> {
    if ((this.pending.size === 0 && this.ignored.size === 0 && this.pendingGauges.size === 0) || this.redis.status !== 'ready') return;
    const batch = this.pending;
    const ignored = this.ignored;
    const gauges = this.pendingGauges;
    this.pending = new Map();
    this.ignored = new Map();
    this.pendingGauges = new Map();
    const pipeline = this.redis.pipeline();
    let received = false;
    for (const [field, by] of batch) {
      if (field.endsWith('|sum')) pipeline.hincrbyfloat(this.key, field, by);
      else pipeline.hincrby(this.key, field, by);
      if (field.startsWith(RECEIVED_PREFIX)) received = true;
    }
    if (ignored.size > 0) {
      const pairs = [...ignored].flatMap(([field, by]) => [field, String(by)]);
      const other = counterField(EventCounter.Ignored, OTHER_TYPE);
      pipeline.eval(ADD_IGNORED_TYPES_SCRIPT, 1, this.key, MAX_IGNORED_TYPES, IGNORED_TYPES_FIELD, other, ...pairs);
    }
    for (const [field, value] of gauges) pipeline.hset(this.key, field, value);
    // The time of the latest webhook, to within a flush interval: no clock read per request.
    if (received) pipeline.hset(this.key, gaugeField(ServiceGauge.LastReceived), Math.floor(Date.now() / 1000));
    try {
      const results = await pipeline.exec();
      if (results?.some(([error]) => error)) throw new Error('metrics pipeline failed');
    } catch {
      for (const [field, by] of batch) this.add(field, by);
      for (const [field, by] of ignored) this.ignored.set(field, (this.ignored.get(field) ?? 0) + by);
      for (const [field, value] of gauges) if (!this.pendingGauges.has(field)) this.pendingGauges.set(field, value);
    }
  }

  /** At most MAX_IGNORED_TYPES distinct types wait here too; the rest already count as `other`. */
  private countIgnored(type: string): void {
    let field = counterField(EventCounter.Ignored, type);
    if (!this.ignored.has(field) && this.ignored.size >= MAX_IGNORED_TYPES) field = counterField(EventCounter.Ignored, OTHER_TYPE);
    this.ignored.set(field, (this.ignored.get(field) ?? 0) + 1);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private observe(histogram: LatencyHistogram, category: string, seconds: number) {
    const value = Math.max(0, seconds);
    const fields = histogramFields(histogram, category, value);
    this.add(fields.bucket, 1);
    this.add(fields.sum, value);
    this.add(fields.count, 1);
  }

  private add(field: string, by: number): void {
    this.pending.set(field, (this.pending.get(field) ?? 0) + by);
  }
}
