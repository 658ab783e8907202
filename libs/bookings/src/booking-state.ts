import type { BookingFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, claimDetails, EventVersion, nextRow } from '@app/versions';
import type { BookingEntity } from './booking.entity.js';

export type BookingState = ProjectionState<BookingEntity>;

/**
 * The booking after one more event. Every field, the status and each free field in `details`,
 * keeps the value of the greatest-versioned event that mentions it, so the result does not depend
 * on the order events are applied in. A null shipment id means the event did not name one.
 * Returns `current` itself when the event changes nothing (a duplicate or an older event).
 */
export function applyBookingEvent(current: BookingState | null, facts: BookingFacts, version: EventVersion): BookingState {
  return nextRow(
    current,
    () => ({ id: facts.bookingId, shipmentId: null, status: facts.status, details: {} }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'status', facts.status, version),
        claimDetails(row, facts.details, version),
      ].includes(true),
  );
}
