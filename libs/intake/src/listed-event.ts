import { deriveEventId, Envelope, readEnvelope } from '@app/flexport';

/** An event as Flexport's Events API listed it, read with a webhook body's checks: its envelope and id, or why it is not an event. */
export type ListedEvent = { ok: true; eventId: string; envelope: Envelope } | { ok: false; reason: string; body: Buffer };

/**
 * Reads one listed event (already parsed from its page). Its id is the envelope's `id`, as for a
 * webhook; an event without one is identified by the SHA-256 of its JSON as listed, which matches
 * its webhook's only if Flexport sent the same bytes (Flexport's v2 events always carry an id).
 */
export function readListedEvent(value: unknown): ListedEvent {
  const body = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  const parsed = readEnvelope(value);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, body };
  return { ok: true, eventId: deriveEventId(parsed.envelope, body), envelope: parsed.envelope };
}
