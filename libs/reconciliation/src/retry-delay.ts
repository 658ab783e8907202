export interface RetryPolicy {
  /** Further attempts after the first one. */
  maxRetries: number;
  /** First backoff step; each retry doubles it (with jitter), up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After honoured; a longer one fails the call instead of stalling it. */
  maxRetryAfterMs: number;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) || !/[a-z]/i.test(text) ? null : Math.max(0, at - now);
}

/** Exponential backoff for retry number `retry` (0-based), jittered between half the step and the whole step. */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const step = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
  return Math.round(step / 2 + random() * (step / 2));
}
