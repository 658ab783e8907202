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
  cargoReadyDate: '2026-02-27',
  customsStatus: null,
  exceptions: [{ kind: 'delay', reason: 'cargo_rolled_from_booked_vessel', occurredAt: '2026-03-01T10:00:00.000Z', eventId: '2208100' }],
  timeline: ['evt_A', '2208100', '2208114'],
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
        invoices: [
          {
            id: 'inv',
            shipmentId: '1',
            kind: 'freight_invoice',
            amount: '18422.07',
            currency: 'USD',
            dueDate: '2026-04-24',
            name: 'FLEX-1',
            status: 'paid',
            total: { amount: '18422.07', currency: 'USD' },
            balance: null,
            issuedAt: '2026-03-25T10:29:41.000Z',
            voidedAt: null,
            items: [{ slug: 'ocean_freight', amount: { amount: '1.00', currency_code: 'USD' } }],
          },
        ],
      }),
    );
    const base = {
      id: 'inv',
      shipmentId: 1,
      kind: 'freight_invoice',
      currency: 'USD',
      dueDate: '2026-04-24',
      name: 'FLEX-1',
      status: 'paid',
      total: { amount: '18422.070', currency: 'USD' },
      balance: null,
      issuedAt: '2026-03-25T10:29:41Z',
      voidedAt: null,
      items: [{ amount: { currency_code: 'USD', amount: '1.00' }, slug: 'ocean_freight' }],
    };
    expect(invoice.compare({ ...base, amount: '18422.070000' })).toEqual([]);
    expect(invoice.compare({ ...base, amount: 18422.07 }).map((m) => m.field)).toEqual(['amount']);
    expect(
      invoice
        .compare({ ...base, amount: '18422.07', total: { amount: 18422.07, currency: 'USD' }, balance: { amount: '0', currency: 'USD' } })
        .map((m) => m.field),
    ).toEqual(['total', 'balance']);
    expect(invoice.compare({ ...base, amount: '18422.07', items: [{ slug: 'ocean_freight' }] }).map((m) => m.field)).toEqual(['items']);
  });

  it('flags a missing, repeated or misplaced exception, a wrong customs status, and a timeline that differs', () => {
    const [, timeline] = entityChecks(world({ shipments: [shipment] }));
    const rolled = answer().exceptions as unknown as Record<string, unknown>[];
    expect(check.compare(answer({ exceptions: [] })).map((m) => m.field)).toEqual(['exceptions (events, in order)']);
    expect(check.compare(answer({ exceptions: [...rolled, ...rolled] })).map((m) => m.field)).toEqual(['exceptions (events, in order)']);
    expect(
      check.compare(answer({ exceptions: [{ ...rolled[0], reason: 'weather_delay' }], customsStatus: 'held' })).map((m) => m.field),
    ).toEqual(['customsStatus', 'exceptions.2208100.reason']);
    expect(timeline.path).toBe('/shipments/4398046511104/timeline?limit=500');
    const items = (ids: unknown[]) => ({ items: ids.map((eventId) => ({ eventId })), nextCursor: null });
    expect(timeline.compare(items(['evt_A', 2208100, '2208114']))).toEqual([]);
    expect(timeline.compare(items(['evt_A', '2208114', '2208100'])).map((m) => m.field)).toEqual(['events (in order)']);
    expect(timeline.compare({ ...items(['evt_A']), nextCursor: 'x' }).map((m) => m.field)).toEqual(['events (in order)', 'nextCursor']);
  });
});
