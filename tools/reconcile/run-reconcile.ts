import { setTimeout as sleep } from 'node:timers/promises';
import type { ReconcileAccepted, ReconcileRunView } from '@app/reconciliation';
import type { ProgressMode } from '../simulate/progress.js';
import { AdminApiError, AdminReconcileClient } from './admin-reconcile.client.js';
import { createReconcileProgress } from './reconcile-progress.js';

export interface ReconcileOptions {
  /** Base URL of the deployment. */
  url: string;
  adminToken: string;
  from: string;
  to: string;
  /** Wait for the run to finish, showing its progress; otherwise return once it is accepted. */
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  progress: ProgressMode;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface ReconcileOutcome {
  accepted: ReconcileAccepted;
  /** The last state seen of the run. */
  run?: ReconcileRunView;
  timedOut: boolean;
  elapsedMs: number;
  /** The run succeeded (or, without waiting, was accepted). */
  ok: boolean;
}

/**
 * Asks a running deployment to reconcile a window (`POST /admin/reconcile`) and, when told to wait,
 * polls `GET /admin/reconcile/:runId` until the run has finished. A poll that gets no answer is
 * tried again until the timeout; a refusal stops at once (AdminApiError).
 */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const client = new AdminReconcileClient(options.url, options.adminToken);
  const started = performance.now();
  const accepted = await client.start({ from: options.from, to: options.to });
  if (!options.wait) return { accepted, timedOut: false, elapsedMs: performance.now() - started, ok: true };
  const progress = createReconcileProgress(options.progress, options.output);
  const deadline = started + options.timeoutMs;
  let run: ReconcileRunView | undefined;
  try {
    for (;;) {
      try {
        run = await client.run(accepted.runId);
        progress.update(run);
        if (run.status !== 'running') break;
      } catch (error) {
        if (!(error instanceof AdminApiError) || error.status !== null) throw error;
      }
      if (performance.now() + options.pollIntervalMs > deadline) break;
      await sleep(options.pollIntervalMs);
    }
  } finally {
    progress.stop();
  }
  const finished = run !== undefined && run.status !== 'running';
  return { accepted, run, timedOut: !finished, elapsedMs: performance.now() - started, ok: run?.status === 'succeeded' };
}

export function formatReconcileOutcome(outcome: ReconcileOutcome): string[] {
  const { accepted, run } = outcome;
  const seconds = `${(outcome.elapsedMs / 1000).toFixed(1)} s`;
  const lines = [`reconcile run ${accepted.runId}: occurred_at ${accepted.from} → ${accepted.to}`];
  if (run) {
    lines.push(`listed ${run.listed} · already known ${run.alreadyKnown} · queued ${run.queued} · pages ${run.pages}`);
  }
  if (outcome.timedOut) lines.push(`still ${run?.status ?? 'unknown'} after ${seconds}: it goes on in the background`);
  else if (run) lines.push(`${run.status} after ${seconds}${run.error ? `: ${run.error}` : ''}`);
  else lines.push('accepted: it runs in the background');
  return lines;
}
