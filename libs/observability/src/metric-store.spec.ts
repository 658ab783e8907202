import {
  bucketIndex,
  counterField,
  EventCounter,
  gaugeField,
  histogramFields,
  LATENCY_BUCKETS_SECONDS,
  LatencyHistogram,
  parseMetricsHash,
  ServiceGauge,
} from './metric-store.js';

describe('the Redis metrics hash', () => {
  it('puts an observation in the first bucket whose bound is not below it, +Inf past the last', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.005)).toBe(0);
    expect(bucketIndex(0.0051)).toBe(1);
    expect(bucketIndex(1e9)).toBe(LATENCY_BUCKETS_SECONDS.length);
  });

  it('reads counters back and turns bucket counts into cumulative ones', () => {
    const hash: Record<string, string> = {
      [counterField(EventCounter.Processed, 'milestone')]: '3',
      [counterField(EventCounter.SignatureRejected, 'missing')]: '1',
      'c|not_a_counter|x': '9',
      'g|last_received': '1796000000',
      'g|not_a_gauge': '5',
      garbage: '1',
    };
    for (const seconds of [0.001, 0.2, 0.2, 7200]) {
      const fields = histogramFields(LatencyHistogram.Processing, 'milestone', seconds);
      hash[fields.bucket] = String(Number(hash[fields.bucket] ?? 0) + 1);
      hash[fields.sum] = String(Number(hash[fields.sum] ?? 0) + seconds);
      hash[fields.count] = String(Number(hash[fields.count] ?? 0) + 1);
    }
    const snapshot = parseMetricsHash(hash);
    expect(snapshot.counters.get(EventCounter.Processed)?.get('milestone')).toBe(3);
    expect(snapshot.counters.get(EventCounter.SignatureRejected)?.get('missing')).toBe(1);
    expect(snapshot.counters.size).toBe(2);
    expect([...snapshot.gauges]).toEqual([[ServiceGauge.LastReceived, 1796000000]]);
    const histogram = snapshot.histograms.get(LatencyHistogram.Processing)?.get('milestone');
    expect(histogram?.count).toBe(4);
    expect(histogram?.sum).toBeCloseTo(7200.401);
    const le = (bound: number) => histogram!.buckets[LATENCY_BUCKETS_SECONDS.indexOf(bound as never)];
    expect(le(0.005)).toBe(1);
    expect(le(0.25)).toBe(3);
    expect(le(3600)).toBe(3);
    expect(histogram!.buckets[LATENCY_BUCKETS_SECONDS.length]).toBe(4);
  });

  it('reads back a counter label that holds the separator, as an event type may', () => {
    const snapshot = parseMetricsHash({ [counterField(EventCounter.Ignored, '/a|b#c')]: '2', 'n|ignored_types': '1' });
    expect(snapshot.counters.get(EventCounter.Ignored)).toEqual(new Map([['/a|b#c', 2]]));
  });

  it('reads gauges back as set, and skips unknown ones', () => {
    const snapshot = parseMetricsHash({ [gaugeField(ServiceGauge.ReconcileLastSuccess)]: '1772323200.5', 'g|not_a_gauge': '1' });
    expect(snapshot.gauges).toEqual(new Map([[ServiceGauge.ReconcileLastSuccess, 1772323200.5]]));
  });
});
