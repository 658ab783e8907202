import { setTimeout as sleep } from 'node:timers/promises';
import { signatureHeaders } from '@app/flexport';
import type { Delivery } from './deliveries.js';
import { describeError } from './describe-error.js';
import { forEachPaced } from './pool.js';

export interface SendOptions {
  url: string;
  secret: string;
  rate: number;
  concurrency: number;
  /** Further attempts after a 429/502/503/504 or a network error, as Flexport retries. */
  retries: number;
  requestTimeoutMs: number;
}

/** How one delivery ended, after any retries. */
export type Outcome = 'queued' | 'duplicate' | 'quarantined' | 'non2xx' | 'error';

export interface FailureSample {
  eventId: string;
  type: string;
  outcome: Outcome;
  status: number | null;
  detail: string;
}

export interface SendTally {
  sent: number;
  acknowledged: number;
  duplicates: number;
  quarantined: number;
  non2xx: number;
  errors: number;
  /** Attempts repeated after a retryable answer. */
  retries: number;
  /** Final HTTP status of every delivery (`error` when none came). */
  statuses: Record<string, number>;
  /** Events the service acknowledged (queued or duplicate) at least once. */
  acknowledgedIds: Set<string>;
  /** The first failures, to show what went wrong. */
  failures: FailureSample[];
}

const MAX_FAILURE_SAMPLES = 20;
const MAX_RETRY_WAIT_MS = 10_000;
const RETRYABLE = new Set([429, 502, 503, 504]);

export function emptyTally(): SendTally {
  return {
    sent: 0,
    acknowledged: 0,
    duplicates: 0,
    quarantined: 0,
    non2xx: 0,
    errors: 0,
    retries: 0,
    statuses: {},
    acknowledgedIds: new Set(),
    failures: [],
  };
}

interface Answer {
  status: number | null;
  body: string;
  retryAfterMs: number | null;
  error?: string;
}

/** POSTs every delivery, signed like Flexport, and counts the answers. */
export async function sendDeliveries(
  deliveries: readonly Delivery[],
  options: SendOptions,
  onDelivered: (tally: SendTally) => void = () => {},
): Promise<SendTally> {
  const tally = emptyTally();
  await forEachPaced(deliveries, options, async ({ event }) => {
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'flexport-webhooks-simulator',
      ...signatureHeaders(event.body, options.secret),
    };
    let answer = await post(options.url, event.body, headers, options.requestTimeoutMs);
    for (let attempt = 0; attempt < options.retries && isRetryable(answer); attempt++) {
      tally.retries++;
      await sleep(Math.min(answer.retryAfterMs ?? 250 * 2 ** attempt, MAX_RETRY_WAIT_MS));
      answer = await post(options.url, event.body, headers, options.requestTimeoutMs);
    }
    const outcome = record(tally, event.eventId, answer);
    if (outcome === 'error' && answer.error === undefined) answer.error = `unexpected answer ${answer.body.slice(0, 200)}`;
    if (outcome !== 'queued' && outcome !== 'duplicate' && tally.failures.length < MAX_FAILURE_SAMPLES) {
      tally.failures.push({
        eventId: event.eventId,
        type: event.type,
        outcome,
        status: answer.status,
        detail: answer.error ?? answer.body.slice(0, 200),
      });
    }
    onDelivered(tally);
  });
  return tally;
}

function isRetryable(answer: Answer): boolean {
  return answer.status === null || RETRYABLE.has(answer.status);
}

async function post(url: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      body: await response.text(),
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    };
  } catch (error) {
    return { status: null, body: '', retryAfterMs: null, error: describeError(error) };
  }
}

/**
 * README "Receiving webhooks": 200 with `{"eventId","status":"queued"|"duplicate"}` naming the event's own id, or
 * `{"status":"quarantined"}`. Any other 2xx answer counts as an error.
 */
function record(tally: SendTally, eventId: string, answer: Answer): Outcome {
  tally.sent++;
  const key = answer.status === null ? 'error' : String(answer.status);
  tally.statuses[key] = (tally.statuses[key] ?? 0) + 1;
  if (answer.status === null) {
    tally.errors++;
    return 'error';
  }
  if (answer.status < 200 || answer.status > 299) {
    tally.non2xx++;
    return 'non2xx';
  }
  const { status, eventId: answeredId } = parseAnswer(answer.body);
  if ((status === 'queued' || status === 'duplicate') && answeredId === eventId) {
    if (status === 'queued') tally.acknowledged++;
    else tally.duplicates++;
    tally.acknowledgedIds.add(eventId);
    return status;
  }
  if (status === 'quarantined') {
    tally.quarantined++;
    return 'quarantined';
  }
  tally.errors++;
  return 'error';
}

function parseAnswer(body: string): { status?: unknown; eventId?: unknown } {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
