import autocannon from 'autocannon';
import type { SignedEvent } from './events.js';

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
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const result = await autocannon({
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
    latency: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    startedAt,
    finishedAt,
    eventsUsed: cursor,
    generatorCpuMicros: cpu.user + cpu.system,
  };
}
