import { classifyEnvelope, Envelope, EventCategory, eventShipmentId, resolveOccurredAt } from '@app/flexport';
import type { EventSource } from '@app/queue';

/** What the event log records of an event before (or without) its data being validated. */
export interface EventRecord {
  eventId: string;
  type: string;
  category: EventCategory;
  name: string | null;
  occurredAt: string | null;
  receivedAt: string;
  /** The shipment the event names, whatever its type (eventShipmentId): its timeline. */
  shipmentId: string | null;
  payload: Envelope;
  source: EventSource;
}

const MAX_ERROR_LENGTH = 2000;

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** Classifies with today's catalogue; the date is best effort (an unreadable one is the dead letter's reason). */
export function eventRecord(eventId: string, envelope: Envelope, receivedAt: string, source: EventSource = 'webhook'): EventRecord {
  const { type, category, name } = classifyEnvelope(envelope, eventId);
  let occurredAt: string | null;
  try {
    occurredAt = resolveOccurredAt(envelope, receivedAt);
  } catch {
    occurredAt = null;
  }
  return { eventId, type, category, name, occurredAt, receivedAt, shipmentId: eventShipmentId(envelope), payload: envelope, source };
}
