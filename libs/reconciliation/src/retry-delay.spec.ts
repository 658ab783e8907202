import { backoffDelay, parseRetryAfter } from './retry-delay.js';

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });

  it('reads an HTTP date as the time left until it', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    expect(parseRetryAfter('Sun, 01 Mar 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Feb 2026 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter('-5')).toBeNull();
    expect(parseRetryAfter('1.5')).toBeNull();
  });
});

describe('backoffDelay', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 8000 };

  it('doubles each retry, jittered between half the step and the step', () => {
    expect([0, 1, 2].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([500, 1000, 2000]);
    expect([0, 1, 2].map((retry) => backoffDelay(retry, policy, () => 1))).toEqual([1000, 2000, 4000]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(20, policy, () => 1)).toBe(8000);
  });
});
