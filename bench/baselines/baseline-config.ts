import type { DefaultJobOptions } from 'bullmq';

/** The one queue both baselines share (under the bench's QUEUE_PREFIX). */
export const BASELINE_QUEUE = 'baseline-events';

/** The same retry and retention policy as the service's EVENT_JOB_OPTIONS, so the drain compares like with like. */
export const BASELINE_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
