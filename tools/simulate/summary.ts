import { formatReconcileOutcome } from '../reconcile/run-reconcile.js';
import { formatMismatch } from './compare.js';
import type { SimulationFormat } from './journey.js';
import type { FailureSample } from './sender.js';
import type { ReconciliationReport } from './reconciliation-step.js';
import type { Verification } from './verifier.js';

export interface Summary {
  seed: number;
  format: SimulationFormat;
  /** The webhook endpoint posted to. */
  url: string;
  shipments: number;
  /** Distinct events the journeys produced. */
  events: number;
  /** Deliveries planned: events plus redeliveries. */
  deliveries: number;
  redeliveries: number;
  /** Events never delivered by webhook (listed by the simulated Events API only). */
  dropped: number;
  sent: number;
  /** 200 `queued`. */
  acknowledged: number;
  /** 200 `duplicate`. */
  duplicates: number;
  quarantined: number;
  non2xx: number;
  /** No answer, or a 2xx answer that is not the contract's. */
  errors: number;
  retries: number;
  statuses: Record<string, number>;
  failures: FailureSample[];
  elapsedMs: number;
  /** Deliveries per second while sending. */
  throughput: number;
  /** Events sent but never acknowledged: left out of the expected state. */
  unacknowledgedEvents: number;
  /** The simulated Events API, when it was served: requests it answered. */
  eventsApi?: { origin: string; listings: number; tokenRequests: number };
  reconciliation?: ReconciliationReport;
  verification?: Verification;
  /** Every delivery acknowledged, nothing quarantined, and (with --verify) every entity matched. */
  ok: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatSummary(s: Summary): string[] {
  const lines = [
    `seed ${s.seed} · format ${s.format} · ${s.shipments} shipments · ${s.events} events · ${s.deliveries} deliveries (${s.redeliveries} redeliveries)` +
      (s.dropped > 0 ? ` · ${s.dropped} events dropped` : ''),
    `sent ${s.sent} · acknowledged ${s.acknowledged} · duplicates ${s.duplicates} · quarantined ${s.quarantined} · non-2xx ${s.non2xx} · errors ${s.errors}` +
      (s.retries > 0 ? ` · retries ${s.retries}` : ''),
    `throughput ${s.throughput.toFixed(1)} events/s · elapsed ${seconds(s.elapsedMs)} · HTTP ${Object.entries(s.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ')}`,
  ];
  for (const failure of s.failures) {
    lines.push(`  ${failure.outcome} ${failure.status ?? ''} ${failure.type} ${failure.eventId}: ${failure.detail}`.replace(/ {2,}/g, ' '));
  }
  if ((s.statuses['404'] ?? 0) > 0) {
    lines.push(
      `${s.url} answered 404: the webhook endpoint is POST <base URL>${'/webhooks/flexport'}; pass the deployment's base URL or that endpoint as --url`,
    );
  }
  if (s.unacknowledgedEvents > 0) {
    lines.push(`${s.unacknowledgedEvents} events were never acknowledged; the expected state leaves them out`);
  }
  if (s.eventsApi) {
    lines.push(`Events API ${s.eventsApi.origin}: ${s.eventsApi.listings} listing requests, ${s.eventsApi.tokenRequests} token requests`);
  }
  const r = s.reconciliation;
  if (r?.outcome) lines.push(...formatReconcileOutcome(r.outcome));
  if (r?.problem) lines.push(`reconcile: ${r.problem}`);
  const v = s.verification;
  if (v) {
    lines.push(
      `verify: ${v.matched}/${v.entities} entities match after ${v.rounds} rounds (${seconds(v.elapsedMs)})` +
        (v.ok ? '' : `; ${v.mismatches.length} mismatches`),
    );
    if (v.aborted) lines.push(`verify stopped: ${v.aborted}`);
    for (const mismatch of v.mismatches) lines.push(`  ${formatMismatch(mismatch)}`);
  }
  lines.push(s.ok ? 'OK' : 'FAILED');
  return lines;
}
