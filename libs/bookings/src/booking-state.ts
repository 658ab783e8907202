import type { BookingFacts } from '@app/flexport';
import { advanceLastEventAt, claimDetails, claimField, EventVersion } from '@app/processing';
import type { BookingEntity } from './booking.entity.js';

/** A row as the state rules see it: without the times it was written. */
export type BookingState = Omit<BookingEntity, 'createdAt' | 'updatedAt'>;

/**
 * The booking after one more event. Every field, the status and each free field in `details`,
 * keeps the value of the greatest-versioned event that mentions it, so the result does not depend
 * on the order events are applied in. A null shipment id means the event did not name one.
 * Returns `current` itself when the event changes nothing (a duplicate or an older event).
 */
export function applyBookingEvent(current: BookingState | null, facts: BookingFacts, version: EventVersion): BookingState {
  const next: BookingState = current
    ? { ...current, details: { ...current.details }, versions: { ...current.versions } }
    : { id: facts.bookingId, shipmentId: null, status: facts.status, details: {}, lastEventAt: new Date(version.occurredAt), versions: {} };
  let changed = current === null;
  if (facts.shipmentId !== null && claimField(next.versions, 'shipmentId', version)) {
    next.shipmentId = facts.shipmentId;
    changed = true;
  }
  if (claimField(next.versions, 'status', version)) {
    next.status = facts.status;
    changed = true;
  }
  if (claimDetails(next.details, facts.details, next.versions, version)) changed = true;
  if (advanceLastEventAt(next, version)) changed = true;
  return changed ? next : (current as BookingState);
}
