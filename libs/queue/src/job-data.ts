import { CanonicalName, Envelope, EventCategory } from '@app/flexport';

export interface EventJobData {
  eventId: string;
  type: string;
  category: EventCategory;
  name: CanonicalName | null;
  receivedAt: string;
  envelope: Envelope;
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
