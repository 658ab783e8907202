import { fixtureBytes } from './fixtures.js';

const departed = JSON.parse(fixtureBytes('flexport-v2/shipment-leg-departed.json').toString('utf8')) as Record<string, unknown>;

/** A v2 `/shipment_leg#departed` event (the captured delivery) with its own id and occurred_at. */
export function listedEvent(id: number, occurredAt: string): Record<string, unknown> {
  return { ...departed, id, occurred_at: occurredAt, created_at: occurredAt };
}

/** `count` events a minute apart from `start`, ids from `firstId`. */
export function listedEvents(count: number, start: string, firstId = 1): Record<string, unknown>[] {
  const at = Date.parse(start);
  return Array.from({ length: count }, (_, i) => listedEvent(firstId + i, new Date(at + i * 60_000).toISOString()));
}
