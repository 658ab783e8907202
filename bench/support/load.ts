import autocannon from 'autocannon';
import type { SignedEvent } from '../../test/support/signed-events.js';

export const WEBHOOK_PATH = '/webhooks/flexport';

export interface LoadOptions {
  url: string;
  events: readonly SignedEvent[];
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Exactly this many requests (one per event). */
  amount?: number;
  /** Requests per second over all connections (autocannon's `overallRate`). */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  status2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  reqPerSec: number;
  /**
   * Milliseconds, from each 2xx response's own time: autocannon's histogram rounds to whole ms and
   * also counts the other statuses, which would let a quick refusal pass for a quick answer.
   */
  latency: { p50: number; p99: number; p999: number; max: number; mean: number };
  startedAt: number;
  finishedAt: number;
  /** Distinct events handed to the connections; more than `events.length` means the pool wrapped. */
  eventsUsed: number;
  /** CPU the load generator (this process) spent, in microseconds. */
  generatorCpuMicros: number;
}

/**
 * Drives POST /webhooks/flexport with autocannon, each request a different pre-signed event.
 * A shared cursor hands the next event to whichever connection sends next.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { events } = options;
  let cursor = 0;
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        timeout: 10,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 10 }),
        // The rate limiter makes no promise of even spacing, so "missing" samples would be invented, not measured.
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true } : {}),
        requests: [
          {
            method: 'POST',
            path: WEBHOOK_PATH,
            setupRequest: (request) => {
              const event = events[cursor++ % events.length];
              return { ...request, body: event.body, headers: event.headers };
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, milliseconds: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds);
    });
  });
  const finishedAt = Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: result.requests.total,
    status2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    latency: latencySummary(latencies),
    startedAt,
    finishedAt,
    eventsUsed: cursor,
    generatorCpuMicros: cpu.user + cpu.system,
  };
}

/** Nearest-rank percentiles of the response times, in milliseconds; NaN when there were none, so no target is met by default. */
export function latencySummary(milliseconds: number[]): LoadResult['latency'] {
  if (milliseconds.length === 0) return { p50: NaN, p99: NaN, p999: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(milliseconds).sort();
  const at = (fraction: number) => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1], mean: sum / sorted.length };
}
