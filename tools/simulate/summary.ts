import { formatMismatch } from './compare.js';
import type { SimulationFormat } from './journey.js';
import type { FailureSample } from './sender.js';
import type { Verification } from './verifier.js';

export interface Summary {
  seed: number;
  format: SimulationFormat;
  shipments: number;
  /** Distinct events the journeys produced. */
  events: number;
  /** Deliveries planned: events plus redeliveries. */
  deliveries: number;
  redeliveries: number;
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
  /** Events never acknowledged: left out of the expected state. */
  unacknowledgedEvents: number;
  verification?: Verification;
  /** Every delivery acknowledged, nothing quarantined, and (with --verify) every entity matched. */
  ok: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatSummary(s: Summary): string[] {
  const lines = [
    `seed ${s.seed} · format ${s.format} · ${s.shipments} shipments · ${s.events} events · ${s.deliveries} deliveries (${s.redeliveries} redeliveries)`,
    `sent ${s.sent} · acknowledged ${s.acknowledged} · duplicates ${s.duplicates} · quarantined ${s.quarantined} · non-2xx ${s.non2xx} · errors ${s.errors}` +
      (s.retries > 0 ? ` · retries ${s.retries}` : ''),
    `throughput ${s.throughput.toFixed(1)} events/s · elapsed ${seconds(s.elapsedMs)} · HTTP ${Object.entries(s.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ')}`,
  ];
  for (const failure of s.failures) {
    lines.push(`  ${failure.outcome} ${failure.status ?? ''} ${failure.type} ${failure.eventId}: ${failure.detail}`.replace(/ {2,}/g, ' '));
  }
  if (s.unacknowledgedEvents > 0) {
    lines.push(`${s.unacknowledgedEvents} events were never acknowledged; the expected state leaves them out`);
  }
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
