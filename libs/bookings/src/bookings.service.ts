import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyChangesToRows, EventHandler, RowChange, versionOf } from '@app/processing';
import { BookingEntity } from './booking.entity.js';
import { applyBookingEvent } from './booking-state.js';

/** Keeps the `bookings` projection: booking_confirmed and booking_amended events. */
@Injectable()
export class BookingsService implements EventHandler {
  readonly categories = [EventCategory.Booking] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, BookingEntity, 'id', [this.change(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      BookingEntity,
      'id',
      events.map((event) => this.change(event)),
    );
  }

  private change(event: NormalizedEvent): RowChange<BookingEntity> {
    const { facts } = event;
    if (facts.category !== EventCategory.Booking) {
      throw new InvalidEventError(`bookings cannot apply a ${facts.category} event`);
    }
    const version = versionOf(event);
    return { keys: [facts.bookingId], reduce: (current) => applyBookingEvent(current, facts, version) };
  }
}
