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
      ...fields,
    } as ContainerFacts,
    { occurredAt, name: `container_${status}`, eventId } as EventVersion,
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
});
