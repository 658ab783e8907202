import { ContainersHandler } from '@app/containers';
import { Envelope, normalizeEvent } from '@app/flexport';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureBytes } from '../../support/fixtures.js';
import { applyConcurrently, applyInTurn, compactEvent, inVersionOrder, shuffled, tableState, truncate } from '../projections/events.js';

type ContainerType = 'container.loaded' | 'container.unloaded';
const container = (type: ContainerType, occurredAt: string, data: Record<string, unknown> = {}, id?: string) =>
  compactEvent(type, { container_number: 'MSKU7748201', ...data }, { occurredAt, id });

const v2ContainerEvent = (type: string, id: number, occurredAt: string, numbers: string[], location: string | null) => {
  const envelope = {
    _object: '/event',
    id,
    version: 2,
    created_at: occurredAt,
    occurred_at: occurredAt,
    type,
    data: {
      _object: '/shipment_event_data',
      resource: { _object: '/ocean/shipment_container_leg', id: 1 },
      shipment: { _object: '/shipment', id: 104233 },
      location: location && { _object: '/shipment_node', place: { name: location, address: { country_code: 'nl' } } },
      containers: numbers.map((container_number) => ({ _object: '/ocean/shipment_container', container_number })),
    },
  } as Envelope;
  return normalizeEvent(envelope, String(id), occurredAt);
};

describe('containers projection (Postgres)', () => {
  let db: TestDatabase;
  const service = new ContainersHandler();
  const state = () => tableState(db.dataSource, 'containers', 'container_number');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await truncate(db.dataSource, 'containers');
  });

  it('records the v2 loaded_on_board fixture for its container', async () => {
    const raw = fixtureBytes('flexport-v2/container-loaded-on-board.json');
    const envelope = JSON.parse(raw.toString('utf8')) as Envelope;
    await applyInTurn(db.dataSource, service, [normalizeEvent(envelope, String(envelope.id), '2026-03-02T05:10:01Z')]);
    expect(await state()).toEqual([
      expect.objectContaining({
        container_number: 'MSKU7748201',
        shipment_id: '104233',
        status: 'loaded',
        last_event_at: new Date('2026-03-02T04:55:00Z'),
        location: { name: 'Port of Yantian', country: 'CN' },
      }),
    ]);
  });

  it('one v2 event updates every container it names', async () => {
    await applyInTurn(db.dataSource, service, [
      v2ContainerEvent(
        '/ocean/shipment_container_leg#unloaded_off_board',
        9001,
        '2026-03-20T00:00:00Z',
        ['TGHU1', 'MSKU2', 'TGHU1'],
        'Rotterdam',
      ),
    ]);
    const rows = await state();
    expect(rows.map((row) => [row.container_number, row.status, row.shipment_id])).toEqual([
      ['MSKU2', 'unloaded', '104233'],
      ['TGHU1', 'unloaded', '104233'],
    ]);
    expect(rows[0].location).toEqual({ name: 'Rotterdam', country: 'NL' });
  });

  it('loaded and unloaded follow the event that occurred last, and lastEventAt is its time', async () => {
    await applyInTurn(db.dataSource, service, [
      container('container.unloaded', '2026-03-20T00:00:00Z', { location: { name: 'Rotterdam', country: 'NL' } }),
      container('container.loaded', '2026-03-02T00:00:00Z', { shipment_id: 'SHP-1', location: { name: 'Yantian', country: 'CN' } }),
    ]);
    expect((await state())[0]).toMatchObject({
      status: 'unloaded',
      shipment_id: 'SHP-1',
      last_event_at: new Date('2026-03-20T00:00:00Z'),
      location: { name: 'Rotterdam', country: 'NL' },
    });
  });

  it('an event without a location keeps the location of the latest event that had one', async () => {
    await applyInTurn(db.dataSource, service, [
      container('container.loaded', '2026-03-02T00:00:00Z', { location: { name: 'Yantian', country: 'CN' } }),
      container('container.unloaded', '2026-03-20T00:00:00Z'),
    ]);
    expect((await state())[0]).toMatchObject({ status: 'unloaded', location: { name: 'Yantian', country: 'CN' } });
  });

  it('ends in the same state whether events arrive in order, reversed, shuffled with duplicates or concurrently', async () => {
    const numbers = ['C1', 'C2', 'C3'];
    const events = Array.from({ length: 24 }, (_, i) =>
      i % 4 === 0
        ? v2ContainerEvent(
            i % 8 ? '/ocean/shipment_container_leg#loaded_on_board' : '/ocean/shipment_container_leg#unloaded_off_board',
            5000 + i,
            new Date(Date.UTC(2026, 2, 1, i % 5)).toISOString(),
            numbers.slice(i % 3),
            i % 3 ? `Port ${i}` : null,
          )
        : container(i % 2 ? 'container.loaded' : 'container.unloaded', new Date(Date.UTC(2026, 2, 1, i % 5)).toISOString(), {
            container_number: numbers[i % 3],
            ...(i % 5 === 0 ? { shipment_id: `SHP-${i}` } : {}),
            ...(i % 3 === 1 ? { location: { name: `Port ${i}`, country: 'CN' } } : {}),
          }),
    );
    const ordered = inVersionOrder(events);
    await applyInTurn(db.dataSource, service, ordered);
    const expected = await state();
    expect(expected).toHaveLength(3);
    for (const arrival of [[...ordered].reverse(), shuffled([...events, ...events.slice(0, 8)], 21)]) {
      await truncate(db.dataSource, 'containers');
      await applyInTurn(db.dataSource, service, arrival);
      expect(await state()).toEqual(expected);
    }
    for (const seed of [1, 2, 3]) {
      await truncate(db.dataSource, 'containers');
      await applyConcurrently(db.dataSource, service, shuffled(events, seed), 8);
      expect(await state()).toEqual(expected);
    }
  });

  it('concurrent events naming overlapping sets of new containers neither deadlock nor lose an update', async () => {
    const numbers = ['C1', 'C2', 'C3', 'C4', 'C5'];
    const events = Array.from({ length: 40 }, (_, i) =>
      v2ContainerEvent(
        i % 2 ? '/ocean/shipment_container_leg#loaded_on_board' : '/ocean/shipment_container_leg#unloaded_off_board',
        7000 + i,
        new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
        shuffled(numbers, i).slice(0, 2 + (i % 3)),
        `Port ${i}`,
      ),
    );
    await applyInTurn(db.dataSource, service, events);
    const expected = await state();
    for (const seed of [1, 2, 3, 4, 5]) {
      await truncate(db.dataSource, 'containers');
      await applyConcurrently(db.dataSource, service, shuffled(events, seed), 8);
      expect(await state()).toEqual(expected);
    }
  });
});
