import { BookingsHandler } from '@app/bookings';
import { InvalidEventError } from '@app/flexport';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { applyConcurrently, applyInTurn, compactEvent, inVersionOrder, shuffled, tableState, truncate } from '../projections/events.js';

const booking = (type: 'booking.confirmed' | 'booking.amended', occurredAt: string, data: Record<string, unknown> = {}, id?: string) =>
  compactEvent(type, { booking_id: 'BKG-1', ...data }, { occurredAt, id });

describe('bookings projection (Postgres)', () => {
  let db: TestDatabase;
  const service = new BookingsHandler();
  const state = () => tableState(db.dataSource, 'bookings', 'id');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await truncate(db.dataSource, 'bookings');
  });

  const history = () => [
    booking('booking.confirmed', '2026-02-01T10:00:00Z', { shipment_id: 'SHP-1', cargo_ready_date: '2026-02-20', vessel: 'MSC ANNA' }),
    booking('booking.amended', '2026-02-05T10:00:00Z', { cargo_ready_date: '2026-02-27', container_counts: { forty_ft_hc: 2 } }),
    booking('booking.amended', '2026-02-03T10:00:00Z', { vessel: 'MAERSK EMMA', shipment_id: 'SHP-2' }),
    booking('booking.confirmed', '2026-02-04T10:00:00Z', { vessel: 'CMA CGM LISA' }),
  ];

  it('ends in the same state whether events arrive in order, reversed or shuffled with duplicates', async () => {
    const events = history();
    const ordered = inVersionOrder(events);
    await applyInTurn(db.dataSource, service, ordered);
    const expected = await state();
    for (const arrival of [[...ordered].reverse(), shuffled([...events, ...events, events[1]], 7), shuffled(events, 42)]) {
      await truncate(db.dataSource, 'bookings');
      await applyInTurn(db.dataSource, service, arrival);
      expect(await state()).toEqual(expected);
    }
    expect(expected).toHaveLength(1);
    expect(expected[0]).toMatchObject({
      id: 'BKG-1',
      shipment_id: 'SHP-2',
      status: 'amended',
      details: { cargo_ready_date: '2026-02-27', container_counts: { forty_ft_hc: 2 }, vessel: 'CMA CGM LISA' },
      last_event_at: new Date('2026-02-05T10:00:00Z'),
    });
  });

  it('a late, older amendment does not overwrite the fields of a newer one', async () => {
    await applyInTurn(db.dataSource, service, [
      booking('booking.amended', '2026-02-05T10:00:00Z', { vessel: 'NEW' }),
      booking('booking.amended', '2026-02-01T10:00:00Z', { vessel: 'OLD', voyage: '001E' }),
    ]);
    const [row] = await state();
    expect(row.details).toEqual({ vessel: 'NEW', voyage: '001E' });
    expect(row.last_event_at).toEqual(new Date('2026-02-05T10:00:00Z'));
  });

  it('a booking is confirmed or amended by whichever event occurred last, not arrived last', async () => {
    await applyInTurn(db.dataSource, service, [
      booking('booking.confirmed', '2026-02-06T00:00:00Z'),
      booking('booking.amended', '2026-02-02T00:00:00Z'),
    ]);
    expect((await state())[0].status).toBe('confirmed');
    await applyInTurn(db.dataSource, service, [booking('booking.amended', '2026-02-07T00:00:00Z')]);
    expect((await state())[0].status).toBe('amended');
  });

  it('an event without a shipment id leaves the stored one alone', async () => {
    await applyInTurn(db.dataSource, service, [
      booking('booking.confirmed', '2026-02-01T00:00:00Z', { shipment_id: 'SHP-9' }),
      booking('booking.amended', '2026-02-02T00:00:00Z', { vessel: 'X' }),
    ]);
    expect((await state())[0].shipment_id).toBe('SHP-9');
  });

  it('applying the same event twice changes nothing the second time', async () => {
    const event = booking('booking.amended', '2026-02-02T00:00:00Z', { vessel: 'X' });
    await applyInTurn(db.dataSource, service, [event]);
    const [before] = await db.dataSource.query(`SELECT * FROM bookings`);
    await applyInTurn(db.dataSource, service, [event]);
    const [after] = await db.dataSource.query(`SELECT * FROM bookings`);
    expect(after).toEqual(before);
  });

  it('keeps a free field called __proto__ as data', async () => {
    await applyInTurn(db.dataSource, service, [
      booking('booking.amended', '2026-02-02T00:00:00Z', JSON.parse('{"__proto__": {"polluted": true}}')),
    ]);
    const [row] = await db.dataSource.query(`SELECT details -> '__proto__' ->> 'polluted' AS polluted FROM bookings`);
    expect(row.polluted).toBe('true');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('20 events for one booking applied from 8 concurrent transactions end in the in-order state', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      booking(i % 3 === 0 ? 'booking.confirmed' : 'booking.amended', new Date(Date.UTC(2026, 1, 1, i)).toISOString(), {
        [`field_${i % 5}`]: i,
        ...(i % 4 === 0 ? { shipment_id: `SHP-${i}` } : {}),
      }),
    );
    await applyInTurn(db.dataSource, service, events);
    const expected = await state();
    for (const seed of [1, 2, 3]) {
      await truncate(db.dataSource, 'bookings');
      await applyConcurrently(db.dataSource, service, shuffled(events, seed), 8);
      expect(await state()).toEqual(expected);
    }
  });

  it('refuses an event of another category', async () => {
    const event = compactEvent('container.loaded', { container_number: 'MSKU1' }, { occurredAt: '2026-02-01T00:00:00Z' });
    await expect(db.dataSource.transaction((manager) => service.apply(manager, event))).rejects.toBeInstanceOf(InvalidEventError);
  });
});
