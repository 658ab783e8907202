import type { JobsOptions } from 'bullmq';
import { FlexportApiFailure } from './flexport-api.error.js';

const DAY_SECONDS = 24 * 60 * 60;

/** The one job scheduler of the `reconcile` queue: a run every RECONCILE_INTERVAL_S. */
export const RECONCILE_SCHEDULER_ID = 'reconcile-schedule';

export type ReconcileTrigger = 'schedule' | 'admin';

/** A scheduled run covers the lookback window up to the moment it starts; one asked for by the admin API, its own window. */
export interface ReconcileJobData {
  trigger: ReconcileTrigger;
  /** ISO-8601 times: the `occurred_at` window of an admin run. */
  from?: string;
  to?: string;
}

export interface ReconcileCounts {
  /** Events the Events API listed. */
  listed: number;
  /** Listed events the service had (in the event log, or seen by the intake): nothing changed. */
  alreadyKnown: number;
  /** Listed events it did not have, queued with source `reconcile`. */
  queued: number;
  /** Listed values that are not events, kept as quarantined dead letters. */
  quarantined: number;
  /** Pages fetched. */
  pages: number;
}

/** What `job.progress` holds once a worker has started the run, updated after each page. */
export interface ReconcileJobProgress extends ReconcileCounts {
  from: string;
  to: string;
  startedAt: string;
}

/** The return value of a run that succeeded. */
export interface ReconcileJobResult extends ReconcileJobProgress {
  finishedAt: string;
}

/**
 * One attempt: a failed run is retried by the next scheduled one (or asked for again), not by
 * backoff. A worker that dies mid-run leaves a stalled job, which another worker takes up again.
 * Runs are kept a month so `GET /admin/reconcile/:runId` can answer for them.
 */
export const RECONCILE_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 30 * DAY_SECONDS, count: 2000 },
  removeOnFail: { age: 30 * DAY_SECONDS, count: 2000 },
};

/** Why a run failed, as counted: Flexport's API failures, the queues refusing the events, or anything else. */
export const RECONCILE_FAILURE_REASONS = [...Object.values(FlexportApiFailure), 'queue_unavailable', 'disabled', 'error'] as const;
export type ReconcileFailureReason = (typeof RECONCILE_FAILURE_REASONS)[number];
