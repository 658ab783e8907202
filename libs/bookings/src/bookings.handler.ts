import { BookingFacts, EventCategory } from '@app/flexport';
import { HandlesEvents, ProjectionHandler, RowChange } from '@app/processing';
import type { EventVersion } from '@app/versions';
import { BookingEntity } from './booking.entity.js';
import { applyBookingEvent } from './booking-state.js';

/** Keeps the `bookings` projection: booking_confirmed and booking_amended events. */
@HandlesEvents(EventCategory.Booking)
export class BookingsHandler extends ProjectionHandler<BookingEntity, BookingFacts> {
  constructor() {
    super(BookingEntity, 'id');
  }

  protected change(facts: BookingFacts, version: EventVersion): RowChange<BookingEntity> {
    return { keys: [facts.bookingId], reduce: (current) => applyBookingEvent(current, facts, version) };
  }
}
