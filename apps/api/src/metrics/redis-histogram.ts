import type { Metric } from 'prom-client';
import { HistogramSnapshot, LATENCY_BUCKETS_SECONDS } from '@app/observability';

/**
 * A histogram whose buckets are kept elsewhere (the Redis metrics hash) and read on scrape. prom-client's
 * Histogram only counts observations made in this process; its Registry renders any metric object that
 * exposes `get()`, which is what this is.
 */
export class ExternalHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly source: () => ReadonlyMap<string, HistogramSnapshot>,
  ) {}

  collect(): void {}

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [category, histogram] of [...this.source()].sort(([a], [b]) => a.localeCompare(b))) {
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) =>
        values.push({ metricName: `${this.name}_bucket`, labels: { category, le: bound }, value: histogram.buckets[i] }),
      );
      values.push({ metricName: `${this.name}_bucket`, labels: { category, le: '+Inf' }, value: histogram.count });
      values.push({ metricName: `${this.name}_sum`, labels: { category }, value: histogram.sum });
      values.push({ metricName: `${this.name}_count`, labels: { category }, value: histogram.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
