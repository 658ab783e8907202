import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { eventShipmentId, readLocation } from './event-references.js';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8'));

describe('the shipment an event names (event_log.shipment_id)', () => {
  it.each([
    ['compact/milestone-departed.json', 'SHP-104233'],
    ['compact/invoice-freight-ready.json', 'SHP-104233'],
    ['compact/purchase-order-created.json', null],
    ['flexport-v2/shipment-leg-departed.json', '104233'],
    ['flexport-v2/unknown-future-type.json', '104233'],
    ['flexport-v2/invoice-payment-made.json', '104233'],
    ['flexport-v2/document-uploaded.json', '104233'],
    ['flexport-v2/container-free-time-to-expire.json', '104233'],
  ])('%s names %s', (path, shipmentId) => {
    expect(eventShipmentId(fixture(path))).toBe(shipmentId);
  });

  it('takes data.shipment.id, else a shipment resource, else the resource’s shipment reference, else an invoice’s first shipment', () => {
    const named = (data: unknown) => eventShipmentId({ data });
    expect(named({ shipment: { id: 1 }, resource: { _object: '/shipment', id: 2 } })).toBe('1');
    expect(named({ shipment: null, resource: { _object: '/shipment', id: 2 } })).toBe('2');
    expect(named({ resource: { _object: '/shipment_leg', id: 3, shipment: { id: 4 } } })).toBe('4');
    expect(named({ resource: { _object: '/invoice', shipments: [{ id: 5 }, { id: 6 }] } })).toBe('5');
    expect(named({ resource: { _object: '/invoice', shipments: { id: 'S-7' } } })).toBe('S-7');
    expect(named({ shipment_id: '  SHP-8 ', shipment: { id: 9 } })).toBe('SHP-8');
  });

  it('skips what is not an identifier, as the normaliser would refuse it', () => {
    const named = (data: unknown) => eventShipmentId({ data });
    expect(named({ shipment_id: { id: 1 }, shipment: { id: 2 } })).toBe('2');
    expect(named({ shipment: { id: 1.5 }, resource: { _object: '/shipment', id: 2 ** 53 } })).toBeNull();
    expect(named({ shipment: { id: '   ' }, resource: { shipment: { id: 'x'.repeat(201) } } })).toBeNull();
    expect(named({ resource: { _object: '/document', id: 'D-1' } })).toBeNull();
    expect(named(['shipment_id'])).toBeNull();
    expect(eventShipmentId({})).toBeNull();
  });

  it('never throws, whatever the data', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (data) => {
        const id = eventShipmentId({ data });
        expect(id === null || (typeof id === 'string' && id.length > 0 && id.length <= 200)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('an event’s own location, for the timeline', () => {
  it('reads both envelopes’ shapes', () => {
    expect(readLocation(fixture('flexport-v2/shipment-leg-departed.json').data.location)).toEqual({
      name: 'Port of Yantian',
      country: 'CN',
    });
    expect(readLocation({ name: 'Rotterdam', country: 'nl' })).toEqual({ name: 'Rotterdam', country: 'NL' });
    expect(readLocation({ place: { name: 'Somewhere' } })).toEqual({ name: 'Somewhere', country: null });
  });

  it('is null for anything else, and never throws', () => {
    for (const value of [null, undefined, 'Yantian', [], {}, { name: 1, country: {} }, { place: 'x' }])
      expect(readLocation(value)).toBeNull();
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => void readLocation(value)));
  });
});
