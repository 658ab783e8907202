/**
 * The admin API's reconciliation routes, as `npm run reconcile` and the simulator call them:
 * `POST /admin/reconcile` with a ReconcileRequest answers `202` with a ReconcileAccepted;
 * `GET /admin/reconcile/:runId` answers a ReconcileRunView until the run has finished.
 */
export interface ReconcileRequest {
  /** ISO-8601 times; the run lists events whose occurred_at lies in [from, to]. */
  from: string;
  to: string;
}

export const RECONCILE_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type ReconcileRunStatus = (typeof RECONCILE_RUN_STATUSES)[number];

export interface ReconcileAccepted {
  runId: string;
  status: ReconcileRunStatus;
  from: string;
  to: string;
}

export interface ReconcileRunView extends Omit<ReconcileAccepted, 'from' | 'to'> {
  /** `schedule`: a run of the interval; `admin`: asked for through the admin API. */
  trigger?: 'schedule' | 'admin';
  /** The window; null for a scheduled run no worker has started yet (it covers the lookback up to its start). */
  from: string | null;
  to: string | null;
  /** Events the Events API listed so far. */
  listed: number;
  /** Listed events the service already had (in the event log or queued): nothing changed. */
  alreadyKnown: number;
  /** Listed events it did not have, queued with source "reconcile". */
  queued: number;
  /** Listed values that are not events, kept as quarantined dead letters. */
  quarantined?: number;
  /** Pages fetched so far. */
  pages: number;
  /** Null while the run waits for a worker (another run is in progress). */
  startedAt: string | null;
  finishedAt: string | null;
  /** Why the run failed (status "failed"). */
  error?: string;
}
