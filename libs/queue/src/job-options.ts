import { DefaultJobOptions } from 'bullmq';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * One retry and retention policy for event jobs: exponential backoff from 1 s over 12 attempts
 * keeps retrying a transient failure for about 34 minutes (README "Processing rules" asks for at least 15).
 * Failed jobs are kept: the dead-letter store in Postgres is the durable record, these are the evidence.
 */
export const EVENT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: DAY_SECONDS, count: 10000 },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

/** The minimum total time an event job keeps being retried, in milliseconds. */
export function totalRetryWindowMs(options: DefaultJobOptions = EVENT_JOB_OPTIONS): number {
  const attempts = options.attempts ?? 1;
  const backoff = options.backoff;
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  let total = 0;
  for (let attempt = 1; attempt < attempts; attempt++) total += delay * 2 ** (attempt - 1);
  return total;
}

/**
 * Options of every queue consumer. BullMQ fails a job outright once it has stalled more than
 * `maxStalledCount` times (default 1), before the pipeline could record it; a worker crash loop
 * must not lose an event that way, so a stalled job is picked up again up to 10 times.
 */
export const WORKER_OPTIONS = { maxStalledCount: 10 } as const;
