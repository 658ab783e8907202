import fc from 'fast-check';
import { iso6346CheckDigit, runNumberOf } from './ids.js';
import { generateJourneys, Journey, JourneyStep, SimulationFormat } from './journey.js';
import { ALL_STEP_KINDS, StepKind } from './wire-types.js';

const ALL_KINDS = ALL_STEP_KINDS;
const FORMATS: SimulationFormat[] = ['v2', 'compact', 'mixed'];
const ms = (iso: string) => Date.parse(iso);

function idsOf(journeys: Journey[]): string[] {
  const ids = new Set<string>();
  for (const journey of journeys) {
    ids.add(`shipment:${journey.shipment.id}`);
    for (const step of journey.steps) {
      ids.add(`event:${step.eventId}`);
      if ('purchaseOrder' in step) ids.add(`po:${step.purchaseOrder.id}`);
      if ('invoice' in step) ids.add(`invoice:${step.invoice.id}`);
      if ('document' in step) ids.add(`document:${step.document.id}`);
      if ('container' in step) ids.add(`container:${step.container.number}`);
      if ('booking' in step) ids.add(`booking:${step.booking.id}`);
    }
  }
  return [...ids];
}

describe('journey generator', () => {
  it('plays every step of a journey, with occurred_at strictly increasing and created_at never earlier', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 31), fc.constantFrom(...FORMATS), (seed, format) => {
        for (const journey of generateJourneys({ seed, shipments: 3, format })) {
          const kinds = new Set(journey.steps.map((step) => step.kind));
          expect([...kinds].sort()).toEqual([...ALL_KINDS].sort());
          journey.steps.forEach((step, i) => {
            if (i > 0) expect(ms(step.occurredAt)).toBeGreaterThan(ms(journey.steps[i - 1].occurredAt));
            expect(ms(step.createdAt)).toBeGreaterThanOrEqual(ms(step.occurredAt));
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('orders a journey like a real one: booked, loaded, departed, arrived, unloaded, cleared, delivered, archived', () => {
    const [journey] = generateJourneys({ seed: 7, shipments: 1, format: 'mixed' });
    const first = (kind: StepKind) => journey.steps.findIndex((step) => step.kind === kind);
    const last = (kind: StepKind) => journey.steps.map((step) => step.kind).lastIndexOf(kind);
    const order: [StepKind, StepKind][] = [
      ['po_created', 'po_updated'],
      ['booking_confirmed', 'booking_amended'],
      ['cargo_ready', 'container_loaded'],
      ['container_loaded', 'departed'],
      ['estimated_departure', 'departed'],
      ['departed', 'arrived'],
      ['arrived', 'container_unloaded'],
      ['customs_cleared', 'delivered'],
      ['invoice_created', 'freight_invoice_ready'],
      ['delivered', 'po_archived'],
    ];
    for (const [before, after] of order) expect(last(before)).toBeLessThan(first(after));
    const etaUpdatesInTransit = journey.steps.filter(
      (step, i) => step.kind === 'estimated_arrival' && i > first('departed') && i < first('arrived'),
    );
    expect(etaUpdatesInTransit.length).toBeGreaterThanOrEqual(2);
  });

  it('moves the ETA back and forth before it settles', () => {
    for (const journey of generateJourneys({ seed: 11, shipments: 20, format: 'mixed' })) {
      const etas = journey.steps
        .filter((step): step is Extract<JourneyStep, { kind: 'estimated_arrival' | 'estimated_departure' }> => 'announced' in step)
        .map((step) => step.announced.estimatedArrivalAt)
        .filter((eta): eta is string => eta !== undefined)
        .map(ms);
      expect(etas.length).toBeGreaterThanOrEqual(3);
      const moves = etas.slice(1).map((eta, i) => Math.sign(eta - etas[i]));
      expect(moves).not.toContain(0);
      moves.slice(1).forEach((move, i) => expect(move).toBe(-moves[i]));
    }
  });

  it('writes invoice amounts as decimal strings with two decimals', () => {
    for (const journey of generateJourneys({ seed: 5, shipments: 10, format: 'compact' })) {
      for (const step of journey.steps) {
        if ('invoice' in step) expect(step.invoice.amount).toMatch(/^\d+\.\d{2}$/);
      }
    }
  });

  it('gives every entity and event of a run its own id, and two runs different ids', () => {
    const first = idsOf(generateJourneys({ seed: 1, shipments: 200, format: 'mixed' }));
    const eventCount = generateJourneys({ seed: 1, shipments: 200, format: 'mixed' }).reduce((n, j) => n + j.steps.length, 0);
    expect(first.filter((id) => id.startsWith('event:'))).toHaveLength(eventCount);
    expect(runNumberOf(1)).not.toBe(runNumberOf(2));
    const second = new Set(idsOf(generateJourneys({ seed: 2, shipments: 200, format: 'mixed' })));
    expect(first.filter((id) => second.has(id))).toEqual([]);
  });

  it('replays a seed exactly', () => {
    const a = generateJourneys({ seed: 42, shipments: 5, format: 'mixed' });
    const b = generateJourneys({ seed: 42, shipments: 5, format: 'mixed' });
    expect(b).toEqual(a);
  });

  it('keeps the same times and amounts whatever the envelope format', () => {
    const plan = (format: SimulationFormat) =>
      generateJourneys({ seed: 9, shipments: 4, format }).flatMap((j) =>
        j.steps.map((s) => [s.kind, s.occurredAt, 'invoice' in s ? s.invoice.amount : null]),
      );
    expect(plan('v2')).toEqual(plan('compact'));
    expect(plan('mixed')).toEqual(plan('compact'));
  });

  it('numbers containers per ISO 6346', () => {
    expect(iso6346CheckDigit('CSQU305438')).toBe(3);
    for (const journey of generateJourneys({ seed: 3, shipments: 20, format: 'mixed' })) {
      for (const step of journey.steps) {
        if (!('container' in step)) continue;
        const number = step.container.number;
        expect(number).toMatch(/^[A-Z]{3}U\d{7}$/);
        expect(Number(number[10])).toBe(iso6346CheckDigit(number.slice(0, 10)));
      }
    }
  });

  it('refuses a shipment count it cannot give unique ids to', () => {
    expect(() => generateJourneys({ seed: 1, shipments: 0, format: 'mixed' })).toThrow(RangeError);
    expect(() => generateJourneys({ seed: 1, shipments: 100_001, format: 'mixed' })).toThrow(RangeError);
  });
});
