import fc from 'fast-check';
import { Envelope, MILESTONES, normalizeEvent, NormalizedEvent } from '@app/flexport';
import { compareVersions, versionOf } from '@app/versions';
import { applyShipmentEvent, emptyShipmentState, ShipmentState } from './shipment-state.js';

const milestone = (id: string, name: string, occurredAt: string, location?: { name: string; country: string } | null) =>
  event(id, 'shipment.milestone', { milestone: name, occurred_at: occurredAt, ...(location !== undefined ? { location } : {}) });

const eta = (id: string, occurredAt: string, dates: Record<string, string>) =>
  event(id, 'shipment.eta_updated', { occurred_at: occurredAt, ...dates });

function event(id: string, type: string, data: Record<string, unknown>): NormalizedEvent {
  const envelope: Envelope = { id, type, data: { shipment_id: 'SHP-1', ...data } };
  return normalizeEvent(envelope, id, '2026-03-15T00:00:00.000Z');
}

const applyAll = (events: NormalizedEvent[], state: ShipmentState = emptyShipmentState()) => events.reduce(applyShipmentEvent, state);

describe('shipment state rules', () => {
  it('a late, older ETA does not overwrite a newer one', () => {
    const state = applyAll([
      eta('e2', '2026-03-05T00:00:00Z', { estimated_arrival: '2026-03-25T00:00:00Z' }),
      eta('e1', '2026-03-01T00:00:00Z', { estimated_arrival: '2026-03-20T00:00:00Z' }),
    ]);
    expect(state.estimatedArrivalAt).toBe('2026-03-25T00:00:00.000Z');
  });

  it('each transit date keeps its own version: an older event still sets a date no newer event set', () => {
    const state = applyAll([
      eta('e2', '2026-03-05T00:00:00Z', { estimated_arrival: '2026-03-25T00:00:00Z' }),
      eta('e1', '2026-03-01T00:00:00Z', { estimated_arrival: '2026-03-20T00:00:00Z', estimated_departure: '2026-03-02T00:00:00Z' }),
    ]);
    expect(state.estimatedArrivalAt).toBe('2026-03-25T00:00:00.000Z');
    expect(state.estimatedDepartureAt).toBe('2026-03-02T00:00:00.000Z');
  });

  it('an older milestone does not change the status', () => {
    const state = applyAll([milestone('e2', 'arrived', '2026-03-20T00:00:00Z'), milestone('e1', 'departed', '2026-03-02T00:00:00Z')]);
    expect(state.status).toBe('arrived');
    expect(state.statusAt).toBe('2026-03-20T00:00:00.000Z');
  });

  it('the status follows occurrence, not the catalogue: a later cargo_ready beats an earlier delivered', () => {
    const state = applyAll([milestone('e1', 'delivered', '2026-03-20T00:00:00Z'), milestone('e2', 'cargo_ready', '2026-03-21T00:00:00Z')]);
    expect(state.status).toBe('cargo_ready');
  });

  it('milestones at the same instant: the later one in catalogue order wins', () => {
    const at = '2026-03-10T00:00:00Z';
    expect(applyAll([milestone('z', 'customs_cleared', at), milestone('a', 'arrived', at)]).status).toBe('customs_cleared');
    expect(applyAll([milestone('a', 'arrived', at), milestone('z', 'customs_cleared', at)]).status).toBe('customs_cleared');
  });

  it('the same milestone at the same instant: the larger eventId wins', () => {
    const at = '2026-03-10T00:00:00Z';
    const port = { name: 'Port A', country: 'CN' };
    const other = { name: 'Port B', country: 'US' };
    const forward = applyAll([milestone('evt_a', 'arrived', at, port), milestone('evt_b', 'arrived', at, other)]);
    const backward = applyAll([milestone('evt_b', 'arrived', at, other), milestone('evt_a', 'arrived', at, port)]);
    expect(forward).toEqual(backward);
    expect(forward.location).toEqual(other);
  });

  it('the location is that of the latest milestone that had one', () => {
    const state = applyAll([
      milestone('e1', 'departed', '2026-03-02T00:00:00Z', { name: 'Port of Yantian', country: 'cn' }),
      milestone('e2', 'arrived', '2026-03-20T00:00:00Z', null),
    ]);
    expect(state.status).toBe('arrived');
    expect(state.location).toEqual({ name: 'Port of Yantian', country: 'CN' });
  });

  it('departed and arrived imply the actual departure and arrival dates', () => {
    const state = applyAll([milestone('e1', 'departed', '2026-03-02T06:40:00Z'), milestone('e2', 'arrived', '2026-03-21T10:00:00Z')]);
    expect(state.actualDepartureAt).toBe('2026-03-02T06:40:00.000Z');
    expect(state.actualArrivalAt).toBe('2026-03-21T10:00:00.000Z');
  });

  it('applying an event twice returns the very same state', () => {
    const e = milestone('e1', 'departed', '2026-03-02T06:40:00Z', { name: 'X', country: 'CN' });
    const once = applyShipmentEvent(emptyShipmentState(), e);
    expect(applyShipmentEvent(once, e)).toBe(once);
  });

  it('state is a function of the set of events: any order, with duplicates, converges to the in-order state', () => {
    const times = ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'];
    const location = fc.option(fc.record({ name: fc.constantFrom('A', 'B'), country: fc.constantFrom('CN', 'US') }), { nil: null });
    const spec = fc.oneof(
      fc.record({ kind: fc.constant('milestone' as const), name: fc.constantFrom(...MILESTONES), at: fc.constantFrom(...times), location }),
      fc.record({
        kind: fc.constant('eta' as const),
        at: fc.constantFrom(...times),
        arrival: fc.constantFrom(...times),
        departure: fc.option(fc.constantFrom(...times), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer(),
        (specs, dupes, seed) => {
          const events = specs.map((s, i) => {
            const id = `evt_${String(i).padStart(3, '0')}`;
            if (s.kind === 'milestone') return milestone(id, s.name, s.at, s.location);
            return eta(id, s.at, { estimated_arrival: s.arrival, ...(s.departure ? { estimated_departure: s.departure } : {}) });
          });
          const inOrder = [...events].sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
          const arrival = [...events, ...dupes.map((d) => events[d % events.length])];
          let state = seed >>> 0;
          for (let i = arrival.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            const j = state % (i + 1);
            [arrival[i], arrival[j]] = [arrival[j], arrival[i]];
          }
          expect(applyAll(arrival)).toEqual(applyAll(inOrder));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('shipment state rules beyond the seed: customs status, cargo ready date, exceptions', () => {
  function v2(id: string, type: string, occurredAt: string, resource: Record<string, unknown> = {}): NormalizedEvent {
    const envelope: Envelope = {
      _object: '/event',
      id,
      type,
      occurred_at: occurredAt,
      data: { resource: { _object: '/shipment', id: 'SHP-1', ...resource }, shipment: { id: 'SHP-1' } },
    };
    return normalizeEvent(envelope, id, '2026-03-15T00:00:00.000Z');
  }
  const hold = (id: string, at: string) => v2(id, '/shipment#customs_agriculture_hold', at);
  const cleared = (id: string, at: string) => milestone(id, 'customs_cleared', at);

  it('customsStatus follows whichever of the holds and customs_cleared occurred last', () => {
    expect(applyAll([hold('h1', '2026-03-20T00:00:00Z'), cleared('c1', '2026-03-21T00:00:00Z')]).customsStatus).toBe('released');
    expect(applyAll([cleared('c1', '2026-03-21T00:00:00Z'), hold('h1', '2026-03-20T00:00:00Z')]).customsStatus).toBe('released');
    expect(applyAll([cleared('c1', '2026-03-21T00:00:00Z'), hold('h2', '2026-03-22T00:00:00Z')]).customsStatus).toBe('held');
    expect(applyAll([]).customsStatus).toBeNull();
  });

  it('a hold and a release at the same instant: held (customs_hold is later in the catalogue), in either order', () => {
    const at = '2026-03-21T00:00:00Z';
    expect(applyAll([hold('a', at), cleared('z', at)]).customsStatus).toBe('held');
    expect(applyAll([cleared('z', at), hold('a', at)]).customsStatus).toBe('held');
  });

  it('a delay changes no field, and the status stays that of the milestones', () => {
    const departed = applyAll([milestone('d', 'departed', '2026-03-02T00:00:00Z')]);
    expect(applyShipmentEvent(departed, v2('x', '/shipment#weather_delay', '2026-03-05T00:00:00Z'))).toBe(departed);
    expect(applyAll([hold('h', '2026-03-22T00:00:00Z'), milestone('d', 'departed', '2026-03-02T00:00:00Z')]).status).toBe('departed');
  });

  it('the cargo ready date is that of the latest cargo-ready-date event', () => {
    const changed = (id: string, at: string, date: string) => v2(id, '/shipment#cargo_ready_date_changed', at, { cargo_ready_date: date });
    const events = [changed('a', '2026-02-01T00:00:00Z', '2026-02-20'), changed('b', '2026-02-10T00:00:00Z', '2026-02-27')];
    expect(applyAll(events).cargoReadyDate).toBe('2026-02-27');
    expect(applyAll([...events].reverse()).cargoReadyDate).toBe('2026-02-27');
  });
});
