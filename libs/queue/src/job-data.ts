import { CanonicalName, Envelope, EventCategory } from '@app/flexport';

/** How an event reached the service: delivered by webhook, or found missing by a reconciliation run. */
export const EVENT_SOURCES = ['webhook', 'reconcile'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface EventJobData {
  eventId: string;
  type: string;
  category: EventCategory;
  name: CanonicalName | null;
  receivedAt: string;
  envelope: Envelope;
  /** Absent for webhooks, so their jobs carry nothing more than before. */
  source?: EventSource;
}

export interface QuarantineJobData {
  receivedAt: string;
  reason: string;
  contentType: string | null;
  bodySha256: string;
  bodyBase64: string;
}

/**
 * BullMQ job ids may not contain `:` nor be bare integers. Escaping `%` and `:` keeps the mapping
 * one-to-one and readable, and the prefix keeps numeric Flexport ids from looking like integers.
 */
export function eventJobId(eventId: string): string {
  return `ev-${eventId.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}
