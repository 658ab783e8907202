import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyToRows, EventHandler, versionOf } from '@app/processing';
import { BookingEntity } from './booking.entity.js';
import { applyBookingEvent } from './booking-state.js';

/** Keeps the `bookings` projection: booking_confirmed and booking_amended events. */
@Injectable()
export class BookingsService implements EventHandler {
  readonly categories = [EventCategory.Booking] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    const { facts } = event;
    if (facts.category !== EventCategory.Booking) {
      throw new InvalidEventError(`bookings cannot apply a ${facts.category} event`);
    }
    const version = versionOf(event);
    await applyToRows(manager, BookingEntity, 'id', [facts.bookingId], (current) =>
      applyBookingEvent(current, facts, version),
    );
  }
}
