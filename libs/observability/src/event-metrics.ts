import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import type { TypedConfigService } from '@app/config';
import type { EventRunReport, PipelineObserver } from '@app/processing';
import { REDIS } from '@app/queue';
import { counterField, EventCounter, histogramFields, LatencyHistogram, metricsKey } from './metric-store.js';

/**
 * Records the service's counters and latencies in Redis (see metric-store.ts), from whichever
 * process sees them: intake in the API, the event pipeline in the worker (as its PipelineObserver).
 * Fire and forget: a metric is never worth delaying or failing a webhook or an event.
 */
@Injectable()
export class EventMetrics implements PipelineObserver {
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.key = metricsKey(config.get('app', { infer: true }).queuePrefix);
  }

  count(counter: EventCounter, label: string, by = 1): void {
    this.send((pipeline) => pipeline.hincrby(this.key, counterField(counter, label), by));
  }

  onRun(report: EventRunReport): void {
    const category = report.category;
    switch (report.outcome) {
      case 'processed':
      case 'ignored': {
        const endToEnd = (Date.now() - Date.parse(report.receivedAt)) / 1000;
        this.send((pipeline) => {
          pipeline.hincrby(this.key, counterField(EventCounter.Processed, category), 1);
          this.observe(pipeline, LatencyHistogram.Processing, category, report.durationMs / 1000);
          if (!report.replay && Number.isFinite(endToEnd)) this.observe(pipeline, LatencyHistogram.EndToEnd, category, endToEnd);
          return pipeline;
        });
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

  private observe(pipeline: ReturnType<Redis['pipeline']>, histogram: LatencyHistogram, category: string, seconds: number) {
    const fields = histogramFields(histogram, category, Math.max(0, seconds));
    pipeline.hincrby(this.key, fields.bucket, 1);
    pipeline.hincrbyfloat(this.key, fields.sum, Math.max(0, seconds));
    pipeline.hincrby(this.key, fields.count, 1);
  }

  private send(build: (pipeline: ReturnType<Redis['pipeline']>) => unknown): void {
    if (this.redis.status !== 'ready') return;
    try {
      const pipeline = this.redis.pipeline();
      build(pipeline);
      pipeline.exec().catch(() => undefined);
    } catch {
      // metrics are best effort
    }
  }
}
