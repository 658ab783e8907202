import type { DefaultJobOptions } from 'bullmq';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * The retry and retention policy of notification jobs, in one place: exponential backoff from 10 s
 * over 13 attempts (with up to 20 % jitter, so a receiver coming back is not hit by every job at
 * once) keeps retrying a receiver that is down for about 9 to 11 hours; then the delivery is dead
 * and can be replayed. Failed jobs are kept as evidence; the delivery row is the durable record.
 */
export const NOTIFICATION_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 13,
  backoff: { type: 'exponential', delay: 10_000, jitter: 0.2 },
  removeOnComplete: { age: DAY_SECONDS, count: 10000 },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

/** Injection token of the job options the relay and replays use (tests shorten the backoff). */
export const NOTIFICATION_JOB_POLICY = Symbol('NOTIFICATION_JOB_POLICY');

export interface RelayOptions {
  /** How often the relay sweeps the outbox for rows not yet on the queue. */
  sweepIntervalMs: number;
  batchSize: number;
}

export const NOTIFICATION_RELAY_OPTIONS: RelayOptions = { sweepIntervalMs: 5000, batchSize: 200 };

export const NOTIFICATION_RELAY_POLICY = Symbol('NOTIFICATION_RELAY_POLICY');

/**
 * How long a job owns a delivery once it starts a POST: the request's timeout plus a margin for
 * recording the outcome. Another job finding the lease waits for it rather than sending too.
 */
export function leaseMs(timeoutMs: number): number {
  return timeoutMs + 30_000;
}
