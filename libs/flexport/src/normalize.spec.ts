import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { EventCategory } from './catalogue.js';
import { deriveEventId, Envelope, parseEnvelope, readEnvelope } from './envelope.js';
import { eventShipmentId } from './event-references.js';
import { InvalidEventError } from './invalid-event.error.js';
import { classifyEnvelope, normalizeEvent } from './normalize.js';

const RECEIVED_AT = '2026-11-27T00:00:00.000Z';

function fixture(path: string) {
  const raw = readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url));
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { raw, envelope: parsed.envelope, eventId: deriveEventId(parsed.envelope, raw) };
}

function normalizeFixture(path: string) {
  const { envelope, eventId } = fixture(path);
  return normalizeEvent(envelope, eventId, RECEIVED_AT);
}

function normalizeData(type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return normalizeEvent({ id: 'evt_test', type, data, ...extra }, 'evt_test', RECEIVED_AT);
}

describe('normalizeEvent with Flexport v2 deliveries', () => {
  it('reads a departed leg: shipment id, place, and leg dates as UTC instants', () => {
    const event = normalizeFixture('flexport-v2/shipment-leg-departed.json');
    expect(event).toMatchObject({
      eventId: '2208114',
      format: 'v2',
      category: EventCategory.Milestone,
      name: 'departed',
      occurredAt: '2026-03-02T06:40:00.000Z',
      subject: { shipmentId: '104233' },
      facts: {
        shipmentId: '104233',
        milestone: 'departed',
        location: { name: 'Port of Yantian', country: 'CN' },
        transit: {
          estimatedDepartureAt: '2026-03-01T22:00:00.000Z',
          actualDepartureAt: '2026-03-02T06:40:00.000Z',
          estimatedArrivalAt: '2026-03-22T05:00:00.000Z',
        },
      },
    });
    expect(event.facts).not.toHaveProperty('transit.actualArrivalAt');
  });

  it('maps customs release to customs_cleared with a null location', () => {
    const event = normalizeFixture('flexport-v2/shipment-customs-released.json');
    expect(event).toMatchObject({ name: 'customs_cleared', facts: { shipmentId: '104233', location: null } });
  });

  it('reads an ETA update from the leg resource', () => {
    const event = normalizeFixture('flexport-v2/shipment-leg-eta-updated.json');
    expect(event).toMatchObject({
      category: EventCategory.Transit,
      name: 'estimated_arrival',
      facts: { shipmentId: '104233', transit: { estimatedArrivalAt: '2026-03-23T13:00:00.000Z' } },
    });
  });

  it('reads container numbers from data.containers', () => {
    const event = normalizeFixture('flexport-v2/container-loaded-on-board.json');
    expect(event).toMatchObject({
      category: EventCategory.Container,
      name: 'container_loaded',
      facts: { containerNumbers: ['MSKU7748201'], shipmentId: '104233', status: 'loaded', location: { country: 'CN' } },
    });
  });

  it('keeps an unknown type as category unknown, not an error', () => {
    const event = normalizeFixture('flexport-v2/unknown-future-type.json');
    expect(event).toMatchObject({ eventId: '2208999', category: EventCategory.Unknown, name: null, facts: { category: 'unknown' } });
  });

  it('dead-letters a v2 milestone without data.shipment.id', () => {
    const { envelope } = fixture('flexport-v2/shipment-leg-departed.json');
    const broken = { ...envelope, data: { ...(envelope.data as object), shipment: {} } };
    expect(() => normalizeEvent(broken, '1', RECEIVED_AT)).toThrow(new InvalidEventError('data.shipment.id is missing'));
  });
});

describe('normalizeEvent with the v2 types beyond the seed', () => {
  it.each([
    ['flexport-v2/shipment-vessel-delay.json', 'delay', 'vessel_delay_port_congestion'],
    ['flexport-v2/shipment-customs-agriculture-hold.json', 'customs_hold', 'customs_agriculture_hold'],
  ])('reads %s as an exception of the shipment, the verb as its reason', (path, kind, reason) => {
    expect(normalizeFixture(path)).toMatchObject({
      category: EventCategory.Exception,
      name: kind,
      subject: { shipmentId: '104233' },
      facts: { category: 'exception', shipmentId: '104233', kind, reason },
    });
  });

  it('names the shipment of an exception by its resource when data.shipment is missing', () => {
    const event = normalizeData('/shipment#weather_delay', { resource: { _object: '/shipment', id: 88 } }, { _object: '/event' });
    expect(event.facts).toEqual({ category: 'exception', shipmentId: '88', kind: 'delay', reason: 'weather_delay' });
    expect(() => normalizeData('/shipment#weather_delay', { resource: { _object: '/shipment_leg', id: 88 } })).toThrow(
      new InvalidEventError('data.shipment.id is missing'),
    );
  });

  it('reads the cargo ready date of the shipment resource, as the calendar date it was written', () => {
    expect(normalizeFixture('flexport-v2/shipment-cargo-ready-date-changed.json')).toMatchObject({
      category: EventCategory.Transit,
      name: 'cargo_ready_date_changed',
      facts: { shipmentId: '104233', transit: {}, cargoReadyDate: '2026-02-27' },
    });
    const fromShipment = normalizeData('/shipment#updated_cargo_ready_date', {
      resource: { _object: '/shipment', id: 5 },
      shipment: { id: 5, cargo_ready_date: '2026-03-01T23:30:00-08:00' },
    });
    expect(fromShipment.facts).toMatchObject({ cargoReadyDate: '2026-03-01' });
    expect(() => normalizeData('/shipment#updated_cargo_ready_date', { shipment: { id: 5, cargo_ready_date: null } })).toThrow(
      new InvalidEventError('shipment carries no cargo_ready_date'),
    );
  });

  it('reads an /invoice resource: money as exact strings, the shipment from its references, no compact fields', () => {
    const event = normalizeFixture('flexport-v2/invoice-payment-made.json');
    expect(event).toMatchObject({
      category: EventCategory.Invoice,
      name: 'invoice_updated',
      subject: { invoiceId: 'p3Xk8TqLQm2rVn5sWc9yZA', shipmentId: '104233' },
      facts: {
        invoiceId: 'p3Xk8TqLQm2rVn5sWc9yZA',
        shipmentId: '104233',
        name: 'FLEX-104233-2',
        status: 'paid',
        total: { amount: '1941.13', currency: 'USD' },
        balance: { amount: '0.00', currency: 'USD' },
        dueDate: '2026-04-24',
        issuedAt: '2026-03-25T10:29:41.000Z',
        voidedAt: null,
        items: [expect.objectContaining({ slug: 'ocean_freight' }), expect.objectContaining({ slug: 'customs_clearance' })],
      },
    });
    expect(event.facts).not.toHaveProperty('kind');
    expect(event.facts).not.toHaveProperty('amount');
  });

  it('understands an /invoice resource whatever the verb, and leaves out the fields it does not carry', () => {
    const event = normalizeData('/invoice#invoice_discount_applied', {
      resource: { _object: '/invoice', id: 'INV-9', status: 'past_due' },
    });
    expect(event).toMatchObject({ category: EventCategory.Invoice, name: 'invoice_updated' });
    expect(event.facts).toEqual({ category: 'invoice', invoiceId: 'INV-9', shipmentId: null, dueDate: null, status: 'past_due' });
    expect(normalizeFixture('flexport-v2/invoice-voided.json').facts).toMatchObject({
      shipmentId: '104233',
      status: 'void',
      voidedAt: '2026-04-03T09:12:30.000Z',
    });
  });

  it.each([
    [
      'money that is a number',
      { total: { amount: 12.5, currency_code: 'USD' } },
      'data.resource.total.amount is not a decimal string: 12.5',
    ],
    ['money without a currency', { balance: { amount: '1.00' } }, 'currency is not an ISO-4217 code: undefined'],
    ['items that are not a list', { items: { a: 1 } }, 'data.resource.items is not an array'],
    ['an unreadable issue date', { issued_at: 'soon' }, 'data.resource.issued_at is not an ISO-8601 date: "soon"'],
  ])('dead-letters an invoice resource with %s', (_label, fields, reason) => {
    expect(() => normalizeData('/invoice#invoice_shared', { resource: { _object: '/invoice', id: 'I', ...fields } })).toThrow(
      new InvalidEventError(reason),
    );
  });

  it('reads a /document resource whatever the verb: url from file_link, upload time from its metadata', () => {
    expect(normalizeFixture('flexport-v2/document-uploaded.json')).toMatchObject({
      category: EventCategory.Document,
      name: 'document_updated',
      facts: {
        documentId: 'FTP-VvpjRpWWFSgArOO7eQ',
        shipmentId: '104233',
        documentType: 'commercial_invoice',
        fileName: 'CI-104233.pdf',
        url: 'https://api.flexport.com/documents/FTP-VvpjRpWWFSgArOO7eQ/download',
        memo: null,
        archivedAt: null,
        uploadedAt: '2026-02-24T03:19:52.000Z',
      },
    });
    expect(normalizeFixture('flexport-v2/document-archived.json').facts).toMatchObject({
      memo: 'Superseded by CI-104233-rev1',
      archivedAt: '2026-02-26T11:04:40.000Z',
    });
    const bare = normalizeData('/document#created', { resource: { _object: '/document', id: 'D' } });
    expect(bare.facts).toEqual({ category: 'document', documentId: 'D', shipmentId: null, documentType: null, fileName: null, url: null });
  });

  it('reads the dates of an ocean container resource, the event type its own date from occurred_at when missing', () => {
    expect(normalizeFixture('flexport-v2/container-free-time-to-expire.json')).toMatchObject({
      category: EventCategory.Container,
      name: 'container_free_time_expiring',
      facts: {
        containerNumbers: ['MSKU7748201'],
        shipmentId: '104233',
        status: null,
        dates: { MSKU7748201: { lastFreeDay: '2026-03-28', availableForPickupAt: '2026-03-24T14:30:00.000Z' } },
      },
    });
    expect(normalizeFixture('flexport-v2/container-available-for-pickup.json').facts).toMatchObject({
      status: null,
      dates: { MSKU7748201: { availableForPickupAt: '2026-03-24T14:30:00.000Z' } },
    });
    expect(normalizeFixture('flexport-v2/container-empty-returned.json').facts).toMatchObject({
      dates: { MSKU7748201: { lastFreeDay: '2026-03-28', emptyReturnedAt: '2026-03-30T20:40:00.000Z' } },
    });
    const expired = normalizeData(
      '/ocean/shipment_container#free_time_expired',
      { resource: { _object: '/ocean/shipment_container', container_number: 'tghu1234567' } },
      { occurred_at: '2026-04-01T03:00:00Z' },
    );
    expect(expired.facts).toMatchObject({
      containerNumbers: ['TGHU1234567'],
      shipmentId: null,
      dates: { TGHU1234567: { lastFreeDay: '2026-04-01' } },
    });
  });

  it('dates only the container an ocean container event is about, whatever else data.containers lists', () => {
    const event = normalizeData('/ocean/shipment_container#empty_returned', {
      resource: { _object: '/ocean/shipment_container', container_number: 'MSKU1', empty_returned_date: '2026-04-02T10:00:00Z' },
      containers: [{ container_number: 'MSKU1', last_free_day_date: '2026-03-30' }, { container_number: 'TGHU2' }],
    });
    expect(event.facts).toMatchObject({
      containerNumbers: ['MSKU1'],
      dates: { MSKU1: { emptyReturnedAt: '2026-04-02T10:00:00.000Z', lastFreeDay: '2026-03-30' } },
    });
  });

  it('leaves the container dates alone for loading and unloading', () => {
    expect(normalizeFixture('flexport-v2/container-loaded-on-board.json').facts).toMatchObject({ status: 'loaded', dates: {} });
  });
});

describe('normalizeEvent with compact deliveries', () => {
  it('reads a milestone with its location', () => {
    expect(normalizeFixture('compact/milestone-departed.json')).toMatchObject({
      format: 'compact',
      name: 'departed',
      occurredAt: '2026-03-02T06:40:00.000Z',
      facts: {
        shipmentId: 'SHP-104233',
        location: { name: 'Port of Yantian', country: 'CN' },
        transit: { actualDepartureAt: '2026-03-02T06:40:00.000Z' },
      },
    });
  });

  it.each([
    [
      'compact/booking-amended.json',
      EventCategory.Booking,
      'booking_amended',
      { bookingId: 'BKG-88120', status: 'amended', shipmentId: 'SHP-104233' },
    ],
    [
      'compact/purchase-order-created.json',
      EventCategory.PurchaseOrder,
      'po_created',
      { purchaseOrderId: 'PO-2026-0142', number: '4500018842', status: 'open' },
    ],
    [
      'compact/invoice-freight-ready.json',
      EventCategory.Invoice,
      'freight_invoice_ready',
      { invoiceId: 'gwdpaYrhTI-T1ljn1M7o7w', amount: '18422.07', currency: 'USD', dueDate: '2026-04-24', kind: 'freight_invoice' },
    ],
    [
      'compact/document-bill-of-lading.json',
      EventCategory.Document,
      'bill_of_lading_ready',
      { documentId: 'doc_7Kq2ZpX', documentType: 'flexport_bill_of_lading', fileName: 'HBL-FLXT104233.pdf' },
    ],
    [
      'compact/eta-updated.json',
      EventCategory.Transit,
      'estimated_arrival',
      { transit: { estimatedArrivalAt: '2026-03-21T14:00:00.000Z' } },
    ],
    ['compact/container-loaded.json', EventCategory.Container, 'container_loaded', { containerNumbers: ['MSKU7748201'], status: 'loaded' }],
  ])('reads %s', (path, category, name, facts) => {
    expect(normalizeFixture(path)).toMatchObject({ category, name, facts });
  });

  it('upper-cases container numbers, as ISO 6346 writes them', () => {
    expect(normalizeData('container.loaded', { container_number: 'msku7748201' }).facts).toMatchObject({
      containerNumbers: ['MSKU7748201'],
    });
  });

  it('keeps purchase-order line items exactly as sent', () => {
    const event = normalizeFixture('compact/purchase-order-created.json');
    expect(event.facts).toMatchObject({ lineItems: [{ sku: 'LMP-3301', unit_cost: { amount: '4.85' } }, { sku: 'LMP-3302' }] });
  });

  it.each([
    ['a milestone without shipment id', 'shipment.milestone', { milestone: 'arrived' }, 'data.shipment_id is missing'],
    ['an unknown milestone name', 'shipment.milestone', { shipment_id: 'S', milestone: 'teleported' }, 'unknown milestone "teleported"'],
    [
      'an unparseable date',
      'shipment.milestone',
      { shipment_id: 'S', milestone: 'arrived', occurred_at: 'yesterday' },
      'data.occurred_at is not an ISO-8601 date: "yesterday"',
    ],
    ['a float amount', 'invoice.created', { invoice_id: 'I', amount: 12.5, currency: 'USD' }, 'amount is not a decimal string: 12.5'],
    ['an ETA update without dates', 'shipment.eta_updated', { shipment_id: 'S' }, 'transit event carries no date'],
    ['an object as id', 'booking.confirmed', { booking_id: { id: 1 } }, 'data.booking_id is not a valid identifier'],
  ])('rejects %s as invalid', (_label, type, data, reason) => {
    expect(() => normalizeData(type, data)).toThrow(new InvalidEventError(reason));
  });
});

describe('occurredAt', () => {
  it('prefers data.occurred_at, then occurred_at, then created_at, then receipt time', () => {
    const data = { shipment_id: 'S', milestone: 'arrived' };
    expect(
      normalizeData('shipment.milestone', { ...data, occurred_at: '2026-01-01T00:00:00+02:00' }, { occurred_at: '2026-02-01T00:00:00Z' })
        .occurredAt,
    ).toBe('2025-12-31T22:00:00.000Z');
    expect(
      normalizeData('shipment.milestone', data, { occurred_at: '2026-02-01T00:00:00Z', created_at: '2026-03-01T00:00:00Z' }).occurredAt,
    ).toBe('2026-02-01T00:00:00.000Z');
    expect(normalizeData('shipment.milestone', data, { created_at: '2026-03-01T00:00:00Z' }).occurredAt).toBe('2026-03-01T00:00:00.000Z');
    expect(normalizeData('shipment.milestone', data).occurredAt).toBe(RECEIVED_AT);
  });
});

describe('event identity', () => {
  it('uses the envelope id as a string, or the SHA-256 of the raw body', () => {
    expect(fixture('flexport-v2/shipment-leg-departed.json').eventId).toBe('2208114');
    const raw = Buffer.from('{"type":"x"}');
    expect(deriveEventId({ type: 'x' }, raw)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(deriveEventId({ type: 'x', id: { nested: true } }, raw)).toMatch(/^sha256:/);
  });

  it('names a compact ETA update after the latest transit field it carries', () => {
    const name = (data: Record<string, unknown>) => classifyEnvelope({ type: 'shipment.eta_updated', data }, 'e').name;
    expect(name({ estimated_departure: '2026-01-01' })).toBe('estimated_departure');
    expect(name({ estimated_departure: '2026-01-01', estimated_arrival: '2026-01-02' })).toBe('estimated_arrival');
    expect(name({ actual_departure: '2026-01-01', estimated_arrival: '2026-01-02' })).toBe('actual_departure');
    expect(name({ actual_arrival: '2026-01-01' })).toBe('estimated_arrival');
  });

  it('classifies a compact milestone by its milestone field', () => {
    expect(classifyEnvelope({ type: 'shipment.milestone', data: { milestone: 'delivered' } }, 'e')).toMatchObject({ name: 'delivered' });
    expect(classifyEnvelope({ type: 'shipment.milestone', data: { milestone: 'nope' } }, 'e')).toMatchObject({
      category: 'milestone',
      name: null,
    });
  });
});

describe('parseEnvelope quarantines bodies that could not be kept as events', () => {
  const parse = (text: string) => parseEnvelope(Buffer.from(text));

  it('quarantines JSON nested deeper than the limit, however deep', () => {
    const deep = `{"type":"x","data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parse(deep)).toEqual({ ok: false, reason: 'body nests deeper than 64 levels' });
    const shallow = `{"type":"x","data":${'['.repeat(30)}${']'.repeat(30)}}`;
    expect(parse(shallow).ok).toBe(true);
  });

  it.each([
    ['a NUL character in a value', '{"type":"x","data":{"note":"a\\u0000b"}}'],
    ['a NUL character in a key', '{"type":"x","data":{"a\\u0000":1}}'],
    ['an unpaired surrogate', '{"type":"x","data":{"note":"\\ud800"}}'],
  ])('quarantines %s, which Postgres cannot store', (_label, text) => {
    expect(parse(text)).toEqual({ ok: false, reason: 'body holds text that cannot be stored (NUL or unpaired surrogate)' });
  });

  it('checks a value parsed elsewhere (a listed event) as it checks a body', () => {
    expect(readEnvelope({ type: 'x', data: { note: 'a\u0000b' } })).toEqual({
      ok: false,
      reason: 'body holds text that cannot be stored (NUL or unpaired surrogate)',
    });
    expect(readEnvelope([{ type: 'x' }])).toEqual({ ok: false, reason: 'body is not a JSON object' });
    expect(readEnvelope({ id: 7 })).toEqual({ ok: false, reason: 'event has no string type' });
    expect(readEnvelope({ id: 7, type: '/shipment_leg#departed' })).toEqual({
      ok: true,
      envelope: { id: 7, type: '/shipment_leg#departed' },
    });
  });

  it('keeps paired surrogates (emoji) and other unicode', () => {
    expect(parse('{"type":"x","data":{"note":"\\ud83d\\udea2 Ω"}}').ok).toBe(true);
  });

  it('decides like a full walk of the parsed value, whatever the text and the depth', () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '\u0000', '\ud800', '\udc00', '😀', '\\', '\\u', '"', '{', '['), { maxLength: 6 })
      .map((parts) => parts.join(''));
    const leaf = fc.oneof(text, fc.integer(), fc.constant(null));
    const value = fc.dictionary(text, fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })), { maxKeys: 4 });
    const unstorable = (v: unknown): boolean =>
      typeof v === 'string'
        ? v.includes('\u0000') || !v.isWellFormed()
        : Array.isArray(v)
          ? v.some(unstorable)
          : typeof v === 'object' && v !== null && Object.entries(v).some(([k, item]) => unstorable(k) || unstorable(item));
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 70 }), (data, levels) => {
        let nested: unknown = data;
        for (let i = 0; i < levels; i++) nested = [nested];
        const raw = Buffer.from(JSON.stringify({ type: 'x', data: nested }));
        // Depth: the envelope, `levels` arrays, `data` itself, and its arrays of leaves.
        const depth = 2 + levels + (Object.values(data).some(Array.isArray) ? 1 : 0);
        const expectedOk = !unstorable(data) && depth <= 64;
        expect(parseEnvelope(raw).ok).toBe(expectedOk);
        expect(readEnvelope(JSON.parse(raw.toString('utf8'))).ok).toBe(expectedOk);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the v2 families beyond the seed under hostile input', () => {
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
  const paths = (value: Json, prefix: (string | number)[] = []): (string | number)[][] =>
    value === null || typeof value !== 'object'
      ? []
      : (Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)).flatMap(([key, child]) => [
          [...prefix, key],
          ...paths(child as Json, [...prefix, key]),
        ]);
  const setPath = (root: Json, path: (string | number)[], replacement: Json): Json => {
    const copy = structuredClone(root) as Record<string | number, Json>;
    let cursor = copy;
    for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, Json>;
    cursor[path[path.length - 1]] = replacement;
    return copy;
  };
  const FIXTURES = [
    'shipment-vessel-delay.json',
    'shipment-customs-agriculture-hold.json',
    'shipment-cargo-ready-date-changed.json',
    'invoice-payment-made.json',
    'invoice-voided.json',
    'document-uploaded.json',
    'document-archived.json',
    'container-free-time-to-expire.json',
    'container-available-for-pickup.json',
    'container-empty-returned.json',
  ].map((file) => fixture(`flexport-v2/${file}`).envelope as unknown as Json);

  const check = (shape: Json, path: (string | number)[], value: Json) => {
    const envelope = setPath(shape, path, value) as unknown as Envelope;
    if (typeof envelope.type !== 'string') return;
    try {
      normalizeEvent(envelope, 'e', RECEIVED_AT);
    } catch (error) {
      // Anything else would be taken for a transient failure and retried for half an hour.
      expect(error).toBeInstanceOf(InvalidEventError);
    }
    const shipment = eventShipmentId(envelope);
    expect(shipment === null || typeof shipment === 'string').toBe(true);
  };

  it('normalises a wrong type in any field, or refuses it as invalid (a dead letter), never with another error', () => {
    const wrong: Json[] = [null, 0, -1.5e308, 2 ** 53, true, '', '  ', 'x', 'x'.repeat(300), [], {}, [1, 'a', null], { a: { b: [] } }];
    for (const shape of FIXTURES) for (const path of paths(shape)) for (const value of wrong) check(shape, path, value);
  });

  it('does the same for any JSON value in any field', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...FIXTURES)
          .chain((shape) => fc.tuple(fc.constant(shape), fc.constantFrom(...paths(shape)), fc.jsonValue({ maxDepth: 3 }))),
        ([shape, path, value]) => check(shape, path, value as Json),
      ),
      { numRuns: 1000 },
    );
  });
});
