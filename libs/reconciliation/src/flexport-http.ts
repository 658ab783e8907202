import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlexportApiError, FlexportApiFailure } from './flexport-api.error.js';
import { backoffDelay, parseRetryAfter, RetryPolicy } from './retry-delay.js';

export interface RequestPolicy extends RetryPolicy {
  /** Headers and body of one attempt must arrive within this time. */
  timeoutMs: number;
  /** A larger answer is refused: a page of 100 events is far smaller. */
  maxBodyBytes: number;
}

export const DEFAULT_REQUEST_POLICY: RequestPolicy = {
  timeoutMs: 30_000,
  maxBodyBytes: 32 * 1024 * 1024,
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 5 * 60_000,
};

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** For log lines: what the request is for ("events page 3", "OAuth token"). */
  label: string;
}

const logger = new Logger('FlexportApi');

const isRetryableStatus = (status: number) => status === 429 || (status >= 500 && status <= 599);

/** No complete answer: connection refused or reset, DNS, timeout. Retried like a 5xx. */
class TransportFailure extends Error {
  override name = 'TransportFailure';
}

/**
 * Sends a request to Flexport's API, retrying 429, 5xx, network errors and timeouts with backoff
 * (a Retry-After answer waits exactly that long) and returning any other answer. Redirects are
 * never followed, so credentials go only where the caller sent them. `signal` cancels it all.
 */
export async function sendWithRetries(request: HttpRequest, policy: RequestPolicy, signal?: AbortSignal): Promise<HttpAnswer> {
  for (let retry = 0; ; retry++) {
    let answer: HttpAnswer | undefined;
    let failure: TransportFailure | undefined;
    try {
      answer = await exchange(request, policy, signal);
      if (!isRetryableStatus(answer.status)) return answer;
    } catch (error) {
      if (signal?.aborted || !(error instanceof TransportFailure)) throw error;
      failure = error;
    }
    const what = answer ? `HTTP ${answer.status}` : failure!.message;
    if (retry >= policy.maxRetries) {
      throw new FlexportApiError(FlexportApiFailure.RetriesExhausted, `${request.label}: ${what} after ${retry + 1} attempts`, {
        status: answer?.status,
        url: request.url,
        cause: failure,
      });
    }
    const retryAfter = answer ? parseRetryAfter(answer.headers.get('retry-after')) : null;
    if (retryAfter !== null && retryAfter > policy.maxRetryAfterMs) {
      throw new FlexportApiError(
        FlexportApiFailure.RateLimited,
        `${request.label}: ${what} with Retry-After ${Math.ceil(retryAfter / 1000)} s, longer than ${policy.maxRetryAfterMs / 1000} s`,
        { status: answer?.status, url: request.url },
      );
    }
    const delay = retryAfter ?? backoffDelay(retry, policy);
    logger.warn({ msg: `${request.label}: ${what}, retrying in ${delay} ms`, url: request.url, attempt: retry + 1, delayMs: delay });
    await sleep(delay, undefined, { signal });
  }
}

/** One attempt, with a timeout over the headers and the whole body. */
async function exchange(request: HttpRequest, policy: RequestPolicy, signal?: AbortSignal): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: combined,
    });
    const text = await readBounded(response, policy.maxBodyBytes, request);
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof FlexportApiError) throw error;
    const message = timeout.aborted ? `no complete answer within ${policy.timeoutMs} ms` : describe(error);
    throw new TransportFailure(message, { cause: error });
  }
}

async function readBounded(response: Response, maxBytes: number, request: HttpRequest): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FlexportApiError(FlexportApiFailure.InvalidResponse, `${request.label}: answer larger than ${maxBytes} bytes`, {
        status: response.status,
        url: request.url,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

/** The JSON of a 2xx answer, or InvalidResponse naming what came instead. */
export function parseJson(answer: HttpAnswer, request: HttpRequest): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new FlexportApiError(
      FlexportApiFailure.InvalidResponse,
      `${request.label}: HTTP ${answer.status} answer is not JSON: ${JSON.stringify(answer.text.slice(0, 120))}`,
      { status: answer.status, url: request.url },
    );
  }
}
