import { canonicalDecimal, entityChecks, formatMismatch } from './compare.js';
import { emptyWorld, ExpectedShipment, ExpectedWorld } from './expected-world.js';

const shipment: ExpectedShipment = {
  id: '4398046511104',
  status: 'departed',
  statusAt: '2026-03-02T06:40:00.000Z',
  location: { name: 'Port of Yantian', country: 'CN' },
  estimatedDepartureAt: '2026-03-02T06:00:00.000Z',
  estimatedArrivalAt: '2026-03-21T14:00:00.000Z',
  actualDepartureAt: '2026-03-02T06:40:00.000Z',
  actualArrivalAt: null,
  milestones: [
    { milestone: 'cargo_ready', occurredAt: '2026-02-27T00:00:00.000Z', location: null, eventId: 'evt_A' },
    {
      milestone: 'departed',
      occurredAt: '2026-03-02T06:40:00.000Z',
      location: { name: 'Port of Yantian', country: 'CN' },
      eventId: '2208114',
    },
  ],
};

const world = (patch: Partial<ExpectedWorld>): ExpectedWorld => ({ ...emptyWorld(), ...patch });
const answer = (overrides: Record<string, unknown> = {}) => ({
  ...shipment,
  statusAt: '2026-03-02T06:40:00Z',
  milestones: shipment.milestones.map((m) => ({ ...m })),
  containers: [],
  updatedAt: '2026-03-02T06:40:00Z',
  ...overrides,
});

describe('comparing read API answers', () => {
  const [check] = entityChecks(world({ shipments: [shipment] }));

  it('accepts the contract answer, whatever the instant formatting and extra fields', () => {
    expect(check.path).toBe('/shipments/4398046511104');
    expect(check.compare(answer())).toEqual([]);
  });

  it('flags a milestone listed twice, a missing one, an unexpected one and the wrong order', () => {
    const [cargo, departed] = answer().milestones as Record<string, unknown>[];
    expect(check.compare(answer({ milestones: [cargo, departed, departed] })).map((m) => m.field)).toEqual([
      'milestones.departed (entries)',
    ]);
    expect(check.compare(answer({ milestones: [departed] })).map((m) => m.field)).toEqual(['milestones.cargo_ready (entries)']);
    expect(
      check
        .compare(answer({ milestones: [cargo, departed, { milestone: 'arrived', occurredAt: '2026-03-20T00:00:00Z' }] }))
        .map((m) => m.field),
    ).toEqual(['milestones.arrived']);
    expect(check.compare(answer({ milestones: [departed, cargo] })).map((m) => m.field)).toEqual(['milestones (order)']);
  });

  it('flags a stale transit date and a milestone recorded from another event', () => {
    const milestones = answer().milestones as Record<string, unknown>[];
    const mismatches = check.compare(
      answer({ estimatedArrivalAt: '2026-03-19T14:00:00Z', milestones: [milestones[0], { ...milestones[1], eventId: '2208115' }] }),
    );
    expect(mismatches.map(formatMismatch)).toEqual([
      'shipment 4398046511104: estimatedArrivalAt expected "2026-03-21T14:00:00.000Z", got "2026-03-19T14:00:00Z"',
      'shipment 4398046511104: milestones.departed.eventId expected "2208114", got "2208115"',
    ]);
  });

  it('compares money as decimal strings and refuses JSON numbers', () => {
    expect(canonicalDecimal('18422.070000')).toBe('18422.07');
    expect(canonicalDecimal('0012.00')).toBe('12');
    expect(canonicalDecimal('12.5e3')).toBeNull();
    const [invoice] = entityChecks(
      world({
        invoices: [{ id: 'inv', shipmentId: '1', kind: 'freight_invoice', amount: '18422.07', currency: 'USD', dueDate: '2026-04-24' }],
      }),
    );
    const base = { id: 'inv', shipmentId: 1, kind: 'freight_invoice', currency: 'USD', dueDate: '2026-04-24' };
    expect(invoice.compare({ ...base, amount: '18422.070000' })).toEqual([]);
    expect(invoice.compare({ ...base, amount: 18422.07 }).map((m) => m.field)).toEqual(['amount']);
  });
});
