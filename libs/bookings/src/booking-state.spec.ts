import { BookingFacts, EventCategory } from '@app/flexport';
import { EventVersion } from '@app/versions';
import { applyBookingEvent, BookingState } from './booking-state.js';

const facts = (status: BookingFacts['status'], details: Record<string, unknown> = {}, shipmentId: string | null = null): BookingFacts => ({
  category: EventCategory.Booking,
  bookingId: 'BKG-1',
  shipmentId,
  status,
  details,
});
const at = (occurredAt: string, eventId = `evt_${occurredAt}`, name = 'booking_amended'): EventVersion => ({ occurredAt, name, eventId });
const fold = (...steps: [BookingFacts, EventVersion][]) =>
  steps.reduce<BookingState | null>((state, [f, v]) => applyBookingEvent(state, f, v), null) as BookingState;

describe('booking state rules', () => {
  it('a first event creates the booking from what it says', () => {
    expect(fold([facts('confirmed', { vessel: 'A' }, 'SHP-1'), at('2026-02-01T00:00:00.000Z')])).toMatchObject({
      id: 'BKG-1',
      shipmentId: 'SHP-1',
      status: 'confirmed',
      details: { vessel: 'A' },
      lastEventAt: new Date('2026-02-01T00:00:00.000Z'),
    });
  });

  it('each free field is won by the latest event that mentions it', () => {
    const state = fold(
      [facts('amended', { vessel: 'NEW' }), at('2026-02-05T00:00:00.000Z')],
      [facts('confirmed', { vessel: 'OLD', voyage: '001E' }), at('2026-02-01T00:00:00.000Z', 'e1', 'booking_confirmed')],
    );
    expect(state.details).toEqual({ vessel: 'NEW', voyage: '001E' });
    expect(state.status).toBe('amended');
    expect(state.lastEventAt).toEqual(new Date('2026-02-05T00:00:00.000Z'));
  });

  it('at the same instant, booking_amended beats booking_confirmed, then the larger eventId wins', () => {
    const t = '2026-02-01T00:00:00.000Z';
    expect(fold([facts('amended'), at(t, 'a', 'booking_amended')], [facts('confirmed'), at(t, 'z', 'booking_confirmed')]).status).toBe(
      'amended',
    );
    expect(fold([facts('amended', { vessel: 'Z' }), at(t, 'z')], [facts('amended', { vessel: 'A' }), at(t, 'a')]).details.vessel).toBe('Z');
  });

  it('returns the same object when the event changes nothing, so nothing is written', () => {
    const state = fold([facts('amended', { vessel: 'X' }), at('2026-02-05T00:00:00.000Z')]);
    expect(applyBookingEvent(state, facts('amended', { vessel: 'X' }), at('2026-02-05T00:00:00.000Z'))).toBe(state);
    expect(applyBookingEvent(state, facts('confirmed', { vessel: 'Y' }), at('2026-02-01T00:00:00.000Z'))).toBe(state);
  });

  it('does not mutate the state it is given', () => {
    const state = fold([facts('confirmed', { vessel: 'A' }), at('2026-02-01T00:00:00.000Z')]);
    const copy = structuredClone(state);
    applyBookingEvent(state, facts('amended', { vessel: 'B' }, 'SHP-2'), at('2026-02-02T00:00:00.000Z'));
    expect(state).toEqual(copy);
  });
});
