import { ContainerFacts, EventCategory } from '@app/flexport';
import { EventVersion } from '@app/versions';
import { applyContainerEvent, ContainerState } from './container-state.js';

const event = (status: ContainerFacts['status'], occurredAt: string, fields: Partial<ContainerFacts> = {}, eventId = `evt_${occurredAt}`) =>
  [
    {
      category: EventCategory.Container,
      containerNumbers: ['MSKU1'],
      shipmentId: null,
      location: null,
      status,
      dates: {},
      ...fields,
    } as ContainerFacts,
    { occurredAt, name: status ? `container_${status}` : 'container_free_time_expiring', eventId } as EventVersion,
  ] as const;
const fold = (...events: (readonly [ContainerFacts, EventVersion])[]) =>
  events.reduce<ContainerState | null>(
    (state, [facts, version]) => applyContainerEvent(state, 'MSKU1', facts, version),
    null,
  ) as ContainerState;

describe('container state rules', () => {
  it('loaded or unloaded by whichever event occurred last; lastEventAt is its time', () => {
    const loaded = event('loaded', '2026-03-02T00:00:00.000Z', { shipmentId: 'SHP-1' });
    const unloaded = event('unloaded', '2026-03-20T00:00:00.000Z');
    for (const state of [fold(loaded, unloaded), fold(unloaded, loaded)]) {
      expect(state).toMatchObject({ status: 'unloaded', shipmentId: 'SHP-1', lastEventAt: new Date('2026-03-20T00:00:00.000Z') });
    }
  });

  it('at the same instant, unloaded wins: container_unloaded is later in the catalogue', () => {
    const t = '2026-03-02T00:00:00.000Z';
    expect(fold(event('unloaded', t, {}, 'a'), event('loaded', t, {}, 'z')).status).toBe('unloaded');
  });

  it('the location is that of the latest event that had one', () => {
    const state = fold(
      event('unloaded', '2026-03-20T00:00:00.000Z'),
      event('loaded', '2026-03-02T00:00:00.000Z', { location: { name: 'Yantian', country: 'CN' } }),
      event('loaded', '2026-03-01T00:00:00.000Z', { location: { name: 'Shenzhen', country: 'CN' } }),
    );
    expect(state.location).toEqual({ name: 'Yantian', country: 'CN' });
  });

  it('a date event sets its dates and leaves the status alone; a container first named by one has no status yet', () => {
    const expiring = event(null, '2026-03-26T00:00:00.000Z', {
      dates: { MSKU1: { lastFreeDay: '2026-03-28', availableForPickupAt: '2026-03-24T14:30:00.000Z' } },
    });
    expect(fold(expiring)).toMatchObject({
      status: null,
      lastFreeDay: '2026-03-28',
      availableForPickupAt: new Date('2026-03-24T14:30:00.000Z'),
    });
    const unloaded = event('unloaded', '2026-03-20T00:00:00.000Z');
    for (const state of [fold(expiring, unloaded), fold(unloaded, expiring)]) {
      expect(state).toMatchObject({ status: 'unloaded', lastFreeDay: '2026-03-28', emptyReturnedAt: null });
    }
  });

  it('each date keeps the value of the latest event that carried it, for this container only', () => {
    const first = event(null, '2026-03-26T00:00:00.000Z', { dates: { MSKU1: { lastFreeDay: '2026-03-28' } } });
    const moved = event(null, '2026-03-27T00:00:00.000Z', {
      dates: { MSKU1: { lastFreeDay: '2026-03-30' }, TGHU2: { lastFreeDay: '2026-01-01' } },
    });
    const other = event(null, '2026-03-29T00:00:00.000Z', { dates: { TGHU2: { lastFreeDay: '2026-04-02' } } });
    for (const state of [fold(first, moved, other), fold(other, moved, first)]) expect(state.lastFreeDay).toBe('2026-03-30');
  });
});
