import { lookbackWindow, parseWindow } from './reconcile-window.js';

describe('reconcile windows', () => {
  it('a scheduled run covers the last lookback seconds up to now', () => {
    const now = new Date('2026-03-04T00:00:00Z');
    expect(lookbackWindow(now, 72 * 3600)).toEqual({ from: new Date('2026-03-01T00:00:00Z'), to: now });
  });

  it('reads a requested window of ISO times with offsets', () => {
    expect(parseWindow('2026-03-01T00:00:00Z', '2026-03-01T08:00:00.500+08:00')).toEqual({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00.500Z'),
    });
  });

  it.each([
    [undefined, '2026-03-01T00:00:00Z', 'from must be an ISO-8601 time'],
    ['2026-03-01', '2026-03-02T00:00:00Z', 'from must be an ISO-8601 time'],
    ['2026-03-01T00:00:00Z', 1772323200000, 'to must be an ISO-8601 time'],
    ['2026-03-01T00:00:00Z', '2026-13-01T00:00:00Z', 'to is not a valid time'],
    ['2026-02-30T00:00:00Z', '2026-03-03T00:00:00Z', 'from is not a valid time'],
    ['2026-03-01T00:00:00Z', '2026-03-01T24:00:00Z', 'to is not a valid time'],
    ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00+25:00', 'to must be an ISO-8601 time'],
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', 'from must be before to'],
  ])('refuses from=%j to=%j', (from, to, problem) => {
    expect(parseWindow(from, to)).toEqual({ problem: expect.stringContaining(problem) });
  });
});
