import type { FreshnessFigures } from '../freshness.js';
import { freshnessRows } from './report.js';

const figures = (confirmed: FreshnessFigures['confirmed']): FreshnessFigures => ({
  rate: 500,
  seconds: 30,
  pollIntervalMs: 10,
  sent: 15_000,
  answered: 15_000,
  state: { p50: 30, p99: 90, max: 150, count: 15_000, missing: 0 },
  confirmed,
  notification: { p50: 50, p99: 150, max: 230, count: 3_400, missing: 0 },
});

const stateVerdict = (f: FreshnessFigures) => freshnessRows(f)[0][5];

describe('freshness verdict', () => {
  it('is met when the state is fast and the read API confirmed every event it was asked about', () => {
    expect(stateVerdict(figures({ sampled: 600, agreed: 600 }))).toBe('met');
  });

  it('is missed when the read API did not confirm what the database poll saw, however fast the poll', () => {
    const rows = freshnessRows(figures({ sampled: 600, agreed: 0 }));

    expect(rows[0][5]).toBe('MISSED');
    expect(rows[0][1]).toContain('the read API confirmed 0 of 600 asked');
  });

  it('is missed when the read API was never asked', () => {
    expect(stateVerdict(figures({ sampled: 0, agreed: 0 }))).toBe('MISSED');
  });
});
