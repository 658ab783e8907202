import fc from 'fast-check';
import { deriveEventId, Envelope, lookupEvent, normalizeEvent, parseEnvelope, signatureHeaders, verifySignature } from '@app/flexport';
import { renderJourneys, SimEvent } from './events.js';
import { generateJourneys, SimulationFormat } from './journey.js';
import { inOffset } from './v2-envelope.js';
import { COMPACT_TYPES, PER_STEP_V2_TYPE, STEP_CATEGORY, v2TypeFor } from './wire-types.js';

const eventsOf = (seed: number, format: SimulationFormat, shipments = 4): SimEvent[] =>
  renderJourneys(generateJourneys({ seed, shipments, format }));

function parse(event: SimEvent): Envelope {
  const parsed = parseEnvelope(event.body);
  if (!parsed.ok) throw new Error(`${event.type} did not parse: ${parsed.reason}`);
  return parsed.envelope;
}

describe('envelopes', () => {
  it('every body normalises, in either envelope, to the category and name the journey meant', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 31), fc.constantFrom<SimulationFormat>('v2', 'compact', 'mixed'), (seed, format) => {
        for (const event of eventsOf(seed, format, 2)) {
          const envelope = parse(event);
          expect(deriveEventId(envelope, event.body)).toBe(event.eventId);
          const normalized = normalizeEvent(envelope, event.eventId, '2030-01-01T00:00:00.000Z');
          expect({ category: normalized.category, name: normalized.name, format: normalized.format }).toEqual({
            category: STEP_CATEGORY[event.kind],
            name: event.kind,
            format: event.format,
          });
          expect(normalized.occurredAt).toBe(event.occurredAt);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('uses the v2 envelope for every step the catalogue maps, compact for the rest, and v2 for steps only v2 has', () => {
    const hasV2 = (kind: SimEvent['kind']) => v2TypeFor(kind) !== undefined || PER_STEP_V2_TYPE.has(kind);
    const events = eventsOf(1, 'v2');
    for (const event of events) {
      expect(event.format).toBe(hasV2(event.kind) ? 'v2' : 'compact');
    }
    expect(events.filter((e) => e.format === 'compact').map((e) => e.kind)).toContain('cargo_ready');
    for (const event of eventsOf(1, 'compact')) expect(event.format).toBe(COMPACT_TYPES[event.kind] ? 'compact' : 'v2');
    expect(
      eventsOf(1, 'compact')
        .filter((e) => e.format === 'v2')
        .map((e) => e.kind),
    ).toEqual(expect.arrayContaining(['delay', 'customs_hold', 'invoice_updated', 'document_updated', 'cargo_ready_date_changed']));
    const mixed = eventsOf(1, 'mixed', 10).filter((e) => hasV2(e.kind) && COMPACT_TYPES[e.kind]);
    expect(new Set(mixed.map((e) => e.format))).toEqual(new Set(['v2', 'compact']));
  });

  it("builds v2 bodies in Flexport's shape", () => {
    const v2 = eventsOf(2, 'v2').filter((e) => e.format === 'v2');
    expect(v2.length).toBeGreaterThan(0);
    for (const event of v2) {
      const body = JSON.parse(event.body.toString());
      expect(body).toMatchObject({ _object: '/event', version: 2, type: event.type });
      expect(Number.isSafeInteger(body.id)).toBe(true);
      expect(body.type).toMatch(/^\/[a-z_/]+#[a-z_]+$/);
      expect(lookupEvent(body.type, body.data)?.format).toBe('v2');
      if (['invoice', 'document'].includes(STEP_CATEGORY[event.kind])) {
        // The envelope of these is not published: the resource, by its `_object`, and no shipment event data.
        expect(body.data).toEqual({ resource: expect.objectContaining({ _object: `/${STEP_CATEGORY[event.kind]}` }) });
        continue;
      }
      expect(body.data._object).toBe('/shipment_event_data');
      expect(Object.keys(body.data)).toEqual(expect.arrayContaining(['resource', 'shipment', 'location', 'containers']));
      expect(Number.isSafeInteger(body.data.shipment.id)).toBe(true);
      expect(Array.isArray(body.data.containers)).toBe(true);
    }
  });

  it('names every kind of exception, hold, invoice and document event by a type the catalogue understands', () => {
    const v2 = eventsOf(5, 'mixed', 20).filter((e) => PER_STEP_V2_TYPE.has(e.kind));
    const types = new Set(v2.map((e) => e.type));
    expect([...types].filter((type) => type.startsWith('/shipment#') && !type.includes('cargo_ready')).length).toBeGreaterThan(6);
    for (const type of ['/invoice#invoice_shared', '/invoice#invoice_payment_made', '/document#uploaded'])
      expect(types.has(type)).toBe(true);
  });

  it('builds compact bodies with string ids and data.occurred_at', () => {
    for (const event of eventsOf(3, 'compact').filter((e) => e.format === 'compact')) {
      const body = JSON.parse(event.body.toString());
      expect(body.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(typeof body.data.occurred_at).toBe('string');
      if (STEP_CATEGORY[event.kind] === 'invoice') expect(typeof body.data.amount).toBe('string');
    }
  });

  it("writes v2 leg dates in the port's local offset for the same instant", () => {
    expect(inOffset('2026-03-02T06:40:00.000Z', '+08:00')).toBe('2026-03-02T14:40:00.000+08:00');
    expect(inOffset('2026-03-02T06:40:00.000Z', '-07:00')).toBe('2026-03-01T23:40:00.000-07:00');
    expect(inOffset('2026-03-02T06:40:00.000Z', '+05:30')).toBe('2026-03-02T12:10:00.000+05:30');
  });

  it('signs every body so that the service accepts it under the secret, and only under it', () => {
    for (const event of eventsOf(4, 'mixed', 2)) {
      const headers = Object.fromEntries(
        Object.entries(signatureHeaders(event.body, 'whsec_development_only')).map(([k, v]) => [k.toLowerCase(), v]),
      );
      expect(verifySignature(event.body, headers, ['whsec_development_only'])).toBe(true);
      expect(verifySignature(event.body, { 'x-hub-signature': headers['x-hub-signature'] }, ['whsec_development_only'])).toBe(true);
      expect(verifySignature(event.body, headers, ['whsec_other'])).toBe(false);
      expect(verifySignature(Buffer.concat([event.body, Buffer.from(' ')]), headers, ['whsec_development_only'])).toBe(false);
    }
  });
});
