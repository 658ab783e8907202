import { AdminApiError } from '../reconcile/admin-reconcile.client.js';
import { ReconcileOutcome, runReconcile } from '../reconcile/run-reconcile.js';
import { occurredWindow } from './drops.js';
import type { SimEvent } from './events.js';
import type { EventsApiServer } from './events-api-server.js';
import type { SimulationOptions } from './options.js';

export interface ReconciliationReport {
  window: { from: string; to: string };
  outcome?: ReconcileOutcome;
  /** Why the service could not be asked, or what went wrong. */
  problem?: string;
}

/** Asks the service to reconcile the run's window and waits; says so when the service never came to list it. */
export async function reconcileRun(
  eventsApi: EventsApiServer,
  events: readonly SimEvent[],
  options: SimulationOptions,
  log: (line: string) => void,
): Promise<ReconciliationReport> {
  const window = occurredWindow(events);
  log(`asking ${options.apiUrl} to reconcile occurred_at ${window.from} → ${window.to}`);
  const listingsBefore = eventsApi.requests.length;
  try {
    const outcome = await runReconcile({
      url: options.apiUrl,
      adminToken: options.adminToken,
      ...window,
      wait: true,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      progress: options.progress,
      output: options.output,
    });
    const asked = eventsApi.requests.length > listingsBefore;
    const problem = asked
      ? undefined
      : `the service never asked this Events API (${eventsApi.origin}): start it with FLEXPORT_API_URL=${eventsApi.origin} FLEXPORT_API_TOKEN=${options.eventsApiToken}`;
    return { window, outcome: asked ? outcome : { ...outcome, ok: false }, problem };
  } catch (error) {
    if (error instanceof AdminApiError) return { window, problem: error.message };
    throw error;
  }
}
