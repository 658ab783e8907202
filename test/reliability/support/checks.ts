import type { SignedEvent } from '../../support/signed-events.js';
import { Deployment, isFinal } from './harness.js';
import type { NotificationSink } from './notification-sink.js';

const NOTIFIED = new Set(['departed', 'arrived', 'delivered']);

/** What the database holds for a set of events: everything a "processed exactly once" claim rests on. */
export interface ExactlyOnceReport {
  events: number;
  byStatus: Record<string, number>;
  /** Events with no event-log row, or one that is not final. */
  notFinal: string[];
  dead: string[];
  /** Milestone events of the set that are not in the shipment history. */
  missingMilestones: string[];
  /** History rows per event beyond the first (an event applied twice). */
  duplicateMilestoneRows: number;
  /** History rows of events that are not in the set. */
  strayMilestoneRows: number;
}

export async function exactlyOnceReport(deployment: Deployment, events: readonly SignedEvent[]): Promise<ExactlyOnceReport> {
  const ids = events.map((event) => event.eventId);
  const statuses = await deployment.statuses(ids);
  const byStatus: Record<string, number> = {};
  for (const id of ids) {
    const status = statuses.get(id) ?? 'missing';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const history = await deployment.query<{ event_id: string; rows: string }>(
    'SELECT event_id, count(*) AS rows FROM shipment_milestones GROUP BY event_id',
  );
  const rowsByEvent = new Map(history.map((row) => [row.event_id, Number(row.rows)]));
  const idSet = new Set(ids);
  return {
    events: ids.length,
    byStatus,
    notFinal: ids.filter((id) => !isFinal(statuses.get(id))),
    dead: ids.filter((id) => statuses.get(id) === 'dead'),
    missingMilestones: events.filter((e) => e.category === 'milestone' && !rowsByEvent.has(e.eventId)).map((e) => e.eventId),
    duplicateMilestoneRows: [...rowsByEvent.values()].reduce((sum, rows) => sum + Math.max(0, rows - 1), 0),
    strayMilestoneRows: [...rowsByEvent.keys()].filter((id) => !idSet.has(id)).length,
  };
}

/** The (shipment, milestone) pairs a set of events must notify, once each. */
export function expectedNotifications(events: readonly SignedEvent[]): Set<string> {
  return new Set(
    events
      .filter((event) => event.category === 'milestone' && event.milestone !== null && NOTIFIED.has(event.milestone))
      .map((event) => `${event.shipmentId}|${event.milestone}`),
  );
}

export interface NotificationReport {
  expected: number;
  received: number;
  missing: string[];
  unexpected: string[];
  /** Notifications POSTed more than once. */
  repeated: number;
  /** Notifications POSTed under more than one Idempotency-Key (or none): never allowed. */
  conflictingKeys: string[];
}

export function notificationReport(sink: NotificationSink, expected: Set<string>): NotificationReport {
  const received = sink.byNotification();
  return {
    expected: expected.size,
    received: received.size,
    missing: [...expected].filter((id) => !received.has(id)),
    unexpected: [...received.keys()].filter((id) => !expected.has(id)),
    repeated: [...received.values()].filter((entry) => entry.posts > 1).length,
    conflictingKeys: [...received].filter(([, entry]) => entry.keys.size !== 1 || entry.keys.has(null)).map(([id]) => id),
  };
}
