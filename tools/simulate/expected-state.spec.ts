import fc from 'fast-check';
import { planDeliveries } from './deliveries.js';
import { renderJourneys } from './events.js';
import { expectedStateFrom } from './expected-state.js';
import { generateJourneys, intendedWorld, SimulationFormat } from './journey.js';

const FORMATS: SimulationFormat[] = ['v2', 'compact', 'mixed'];

describe('expected state', () => {
  it.each(FORMATS)('folding the %s events by README "Processing rules" gives the final state the journeys meant', (format) => {
    for (const seed of [1, 2, 3, 99]) {
      const journeys = generateJourneys({ seed, shipments: 8, format });
      const folded = expectedStateFrom(renderJourneys(journeys).map((event) => event.body));
      expect(folded.invalid).toEqual([]);
      expect(folded.world).toEqual(intendedWorld(journeys));
    }
  });

  it('does not change when deliveries are shuffled or repeated', () => {
    fc.assert(
      fc.property(
        fc.nat(2 ** 31),
        fc.constantFrom(...FORMATS),
        fc.boolean(),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (seed, format, shuffle, duplicates) => {
          const journeys = generateJourneys({ seed, shipments: 3, format });
          const events = renderJourneys(journeys);
          const deliveries = planDeliveries(events, { seed, shuffle, duplicates });
          expect(deliveries).toHaveLength(events.length + Math.round(duplicates * events.length));
          expect(new Set(deliveries.map((d) => d.event.eventId)).size).toBe(events.length);
          const folded = expectedStateFrom(deliveries.map((d) => d.event.body));
          expect(folded.events).toBe(events.length);
          expect(folded.world).toEqual(intendedWorld(journeys));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('delivers in created_at order unless shuffled, so a lagging created_at arrives after later events', () => {
    const events = renderJourneys(generateJourneys({ seed: 8, shipments: 30, format: 'mixed' }));
    const ordered = planDeliveries(events, { seed: 8, shuffle: false, duplicates: 0 });
    const created = ordered.map((d) => Date.parse(d.event.createdAt));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const occurred = ordered.map((d) => Date.parse(d.event.occurredAt));
    expect(occurred.some((time, i) => i > 0 && time < occurred[i - 1])).toBe(true);
  });

  it('lets a late, older ETA lose to a newer one, and notices when the newest is missing', () => {
    const journeys = generateJourneys({ seed: 21, shipments: 1, format: 'compact' });
    const events = renderJourneys(journeys);
    const etaUpdates = events.filter((event) => event.kind === 'estimated_arrival');
    const newest = etaUpdates[etaUpdates.length - 1];
    const intended = intendedWorld(journeys).shipments[0].estimatedArrivalAt;

    const newestFirst = [newest, ...events.filter((event) => event !== newest)];
    expect(expectedStateFrom(newestFirst.map((e) => e.body)).world.shipments[0].estimatedArrivalAt).toBe(intended);

    const withoutNewest = events.filter((event) => event !== newest);
    expect(expectedStateFrom(withoutNewest.map((e) => e.body)).world.shipments[0].estimatedArrivalAt).not.toBe(intended);
  });

  it('reports bodies the service would dead-letter instead of folding them in', () => {
    const body = Buffer.from(
      JSON.stringify({ id: 'evt_bad', type: 'invoice.created', data: { invoice_id: 'x', amount: 12.5, currency: 'USD' } }),
    );
    const folded = expectedStateFrom([body]);
    expect(folded.invalid).toEqual([{ eventId: 'evt_bad', reason: expect.stringContaining('amount') }]);
    expect(folded.world.invoices).toEqual([]);
  });
});
