import { latencySummary } from '../../bench/support/load.js';

describe('latencySummary', () => {
  it('gives nearest-rank percentiles of the responses as measured, without rounding to whole milliseconds', () => {
    const milliseconds = Array.from({ length: 1000 }, (_, index) => (1000 - index) * 0.01);

    const summary = latencySummary(milliseconds);

    expect(summary.p50).toBeCloseTo(5, 9);
    expect(summary.p99).toBeCloseTo(9.9, 9);
    expect(summary.p999).toBeCloseTo(9.99, 9);
    expect(summary.max).toBeCloseTo(10, 9);
    expect(summary.mean).toBeCloseTo(5.005, 9);
  });

  it('keeps a sub-millisecond difference between two sides that whole milliseconds would hide', () => {
    const faster = latencySummary(Array.from({ length: 100 }, () => 6.4));
    const slower = latencySummary(Array.from({ length: 100 }, () => 6.6));

    expect(slower.p99 / faster.p99).toBeCloseTo(1.031, 3);
  });

  it('reports zeros when no response succeeded', () => {
    expect(latencySummary([])).toEqual({ p50: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });
});
