import { ApiStack, startApiStack, waitFor } from '../support/api-stack.js';

/**
 * The v2 families beyond the seed through the running service (API and worker processes): each one's
 * events are delivered in their order for one set of ids and in the reverse order for another, and
 * both must end in the same state, the one the README describes.
 */

type Order = 'forward' | 'reverse';
const ORDERS: Order[] = ['forward', 'reverse'];

/** Ids of one order's copy of the events: v2 integers, compact strings, entity ids. */
function ids(order: Order) {
  const base = order === 'forward' ? 3_100_000 : 3_200_000;
  let next = 0;
  return {
    order,
    v2: () => base + next++,
    compact: () => `evt_cat_${order}_${next++}`,
    shipment: base,
    compactShipment: `SHP-CAT-${order}`,
    invoice: `INV-CAT-${order}`,
    v2Invoice: `INV-V2-ONLY-${order}`,
    document: `DOC-CAT-${order}`,
    container: order === 'forward' ? 'CATU1000011' : 'CATU2000017',
  };
}
type Ids = ReturnType<typeof ids>;

const v2 = (id: number, type: string, occurredAt: string, data: Record<string, unknown>) =>
  JSON.stringify({ _object: '/event', id, version: 2, created_at: occurredAt, occurred_at: occurredAt, type, data });

const compact = (id: string, type: string, occurredAt: string, data: Record<string, unknown>) =>
  JSON.stringify({ id, type, created_at: occurredAt, data: { ...data, occurred_at: occurredAt } });

function shipmentData(shipmentId: number, resource: Record<string, unknown> = {}) {
  return {
    _object: '/shipment_event_data',
    resource: { _object: '/shipment', id: shipmentId, ...resource },
    shipment: { _object: '/shipment', id: shipmentId, status: 'in_transit_to_arrival_port', metadata: {} },
    location: null,
    containers: [],
  };
}

/** Exceptions, a hold and its release, the cargo ready date, an ignored and an unknown type: all on one shipment. */
function shipmentEvents(i: Ids): string[] {
  const s = i.shipment;
  return [
    v2(i.v2(), '/shipment#cargo_ready_date_changed', '2026-02-10T08:00:00Z', shipmentData(s, { cargo_ready_date: '2026-02-20' })),
    v2(i.v2(), '/shipment#created', '2026-02-11T08:00:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment#updated_cargo_ready_date', '2026-02-18T08:00:00Z', shipmentData(s, { cargo_ready_date: '2026-02-27' })),
    v2(i.v2(), '/shipment#cargo_rolled_from_booked_vessel', '2026-03-01T10:00:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment_leg#departed', '2026-03-02T06:40:00Z', {
      ...shipmentData(s),
      resource: { _object: '/shipment_leg', id: s + 1, actual_departure_date: '2026-03-02T14:40:00.000+08:00' },
      location: { _object: '/shipment_node', place: { name: 'Port of Yantian', address: { country_code: 'CN' } } },
    }),
    v2(i.v2(), '/shipment#vessel_delay_port_congestion', '2026-03-10T09:59:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment#hyperloop_transfer_delay', '2026-03-11T00:00:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment#customs_agriculture_hold', '2026-03-22T09:15:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment#customs_entry_release_status_released', '2026-03-22T18:58:00Z', shipmentData(s)),
  ];
}

/** A hold and a release at the same instant, on a shipment of its own. */
function tiedCustomsEvents(i: Ids): string[] {
  const s = i.shipment + 50;
  return [
    v2(i.v2(), '/shipment#customs_entry_release_status_released', '2026-03-22T10:00:00Z', shipmentData(s)),
    v2(i.v2(), '/shipment#customs_undergoing_x_ray_exam', '2026-03-22T10:00:00Z', shipmentData(s)),
  ];
}

const money = (amount: string) => ({ _object: '/money', amount, currency_code: 'USD' });

function invoiceResource(i: Ids, fields: Record<string, unknown>) {
  return {
    _object: '/invoice',
    id: i.invoice,
    name: 'FLEX-CAT-1',
    type: 'Shipment',
    issued_at: '2026-03-25T10:29:41.000Z',
    voided_at: null,
    total: money('1941.13'),
    items: [{ _object: '/invoice_item', name: 'Ocean Freight', slug: 'ocean_freight', category: 'freight', amount: money('1941.13') }],
    shipments: [{ _object: '/api/refs/object', ref_type: '/shipment', id: i.shipment }],
    ...fields,
  };
}

/** A compact invoice and v2 events about the same invoice, and an invoice only v2 describes. */
function invoiceEvents(i: Ids): string[] {
  return [
    compact(i.compact(), 'invoice.created', '2026-03-25T10:29:41Z', {
      invoice_id: i.invoice,
      shipment_id: String(i.shipment),
      amount: '1941.10',
      currency: 'USD',
      due_date: '2026-04-20',
    }),
    v2(i.v2(), '/invoice#invoice_shared', '2026-03-26T00:00:00Z', {
      resource: invoiceResource(i, { status: 'outstanding', due_date: '2026-04-24', balance: money('1941.13') }),
    }),
    v2(i.v2(), '/invoice#invoice_payment_made', '2026-04-20T14:59:58Z', {
      resource: invoiceResource(i, { status: 'paid', due_date: '2026-04-24', balance: money('0.00') }),
    }),
    v2(i.v2(), '/invoice#invoice_voided', '2026-04-03T09:12:30Z', {
      _object: '/invoice_event_data',
      resource: { _object: '/invoice', id: i.v2Invoice, status: 'void', voided_at: '2026-04-03T09:12:30.000Z', total: money('310.50') },
    }),
  ];
}

function documentResource(i: Ids, fields: Record<string, unknown>) {
  return {
    _object: '/document',
    id: i.document,
    file_name: 'CI-CAT.pdf',
    document_type: 'commercial_invoice',
    file_link: `https://api.flexport.com/documents/${i.document}/download`,
    file_metadata: { _object: '/file/metadata', size: 48211, uploaded_at: '2026-02-24T03:19:52.000Z' },
    shipment: { _object: '/api/refs/object', ref_type: '/shipment', id: i.shipment },
    ...fields,
  };
}

function documentEvents(i: Ids): string[] {
  return [
    compact(i.compact(), 'document.uploaded', '2026-02-24T00:00:00Z', {
      document_id: i.document,
      document_type: 'packing_list',
      file_name: 'draft.pdf',
    }),
    v2(i.v2(), '/document#uploaded', '2026-02-24T03:19:52Z', { resource: documentResource(i, { memo: null, archived_at: null }) }),
    v2(i.v2(), '/document#archived', '2026-02-26T11:04:40Z', {
      resource: documentResource(i, { memo: 'Superseded', archived_at: '2026-02-26T11:04:40.000Z' }),
    }),
  ];
}

function containerEvents(i: Ids): string[] {
  const number = i.container;
  const container = (fields: Record<string, unknown> = {}) => ({
    _object: '/ocean/shipment_container',
    id: 1,
    container_number: number,
    ...fields,
  });
  const data = (resource: Record<string, unknown>, containers: unknown[] = []) => ({
    _object: '/shipment_event_data',
    resource,
    shipment: { _object: '/shipment', id: i.shipment },
    location: null,
    containers,
  });
  const leg = { _object: '/ocean/shipment_container_leg', id: 2, dates: {} };
  return [
    compact(i.compact(), 'container.loaded', '2026-03-02T04:55:00Z', { container_number: number, shipment_id: String(i.shipment) }),
    v2(i.v2(), '/ocean/shipment_container_leg#unloaded_off_board', '2026-03-22T05:00:00Z', data(leg, [container()])),
    v2(i.v2(), '/ocean/shipment_container_leg#available_for_pickup', '2026-03-24T14:30:00Z', data(leg, [container()])),
    v2(
      i.v2(),
      '/ocean/shipment_container#free_time_to_expire',
      '2026-03-26T16:00:00Z',
      data(container({ last_free_day_date: '2026-03-28' })),
    ),
    v2(
      i.v2(),
      '/ocean/shipment_container#empty_returned',
      '2026-03-30T20:55:00Z',
      data(container({ last_free_day_date: '2026-03-29', empty_returned_date: '2026-03-30T13:40:00.000-07:00' })),
    ),
  ];
}

const FAMILIES = [shipmentEvents, tiedCustomsEvents, invoiceEvents, documentEvents, containerEvents];

describe('the v2 catalogue beyond the seed, through HTTP, in either order', () => {
  let stack: ApiStack;
  const sets = new Map<Order, Ids>();

  beforeAll(async () => {
    stack = await startApiStack('catalogue');
    const eventIds: string[] = [];
    for (const order of ORDERS) {
      const i = ids(order);
      sets.set(order, i);
      for (const family of FAMILIES) {
        const bodies = family(i);
        for (const body of order === 'forward' ? bodies : [...bodies].reverse()) eventIds.push((await stack.client.deliver(body)).eventId!);
      }
    }
    // A redelivery changes nothing: the delay is listed once.
    await stack.client.deliver(shipmentEvents(ids('forward'))[5]);
    for (const eventId of eventIds) await stack.client.settled(eventId);
  }, 120_000);

  afterAll(() => stack?.stop());

  const both = async <T>(read: (i: Ids) => Promise<T>): Promise<[T, T]> => [
    await read(sets.get('forward')!),
    await read(sets.get('reverse')!),
  ];

  it('GET /shipments/:id: exceptions each once and ascending, customs released after the hold, the latest cargo ready date', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/shipments/${i.shipment}`));
    for (const [shipment, i] of [
      [forward, sets.get('forward')!],
      [reverse, sets.get('reverse')!],
    ] as const) {
      expect(shipment).toMatchObject({ status: 'customs_cleared', customsStatus: 'released', cargoReadyDate: '2026-02-27' });
      const exceptions = shipment.exceptions as Array<Record<string, unknown>>;
      expect(exceptions.map(({ kind, reason, occurredAt }) => [kind, reason, occurredAt])).toEqual([
        ['delay', 'cargo_rolled_from_booked_vessel', '2026-03-01T10:00:00.000Z'],
        ['delay', 'vessel_delay_port_congestion', '2026-03-10T09:59:00.000Z'],
        ['customs_hold', 'customs_agriculture_hold', '2026-03-22T09:15:00.000Z'],
      ]);
      const base = i.order === 'forward' ? 3_100_000 : 3_200_000;
      expect(exceptions.map((e) => Number(e.eventId) - base)).toEqual([3, 5, 7]);
    }
  });

  it('a hold and a release at the same instant: held, in either order', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/shipments/${i.shipment + 50}`));
    expect([forward.customsStatus, reverse.customsStatus]).toEqual(['held', 'held']);
    expect([forward.status, reverse.status]).toEqual(['customs_cleared', 'customs_cleared']);
  });

  it('GET /invoices/:id: compact and v2 fields of one invoice, each from the latest event that set it', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/invoices/${i.invoice}`));
    for (const [invoice, i] of [
      [forward, sets.get('forward')!],
      [reverse, sets.get('reverse')!],
    ] as const) {
      expect(invoice).toEqual({
        id: i.invoice,
        shipmentId: String(i.shipment),
        kind: 'invoice',
        amount: '1941.10',
        currency: 'USD',
        dueDate: '2026-04-24',
        name: 'FLEX-CAT-1',
        status: 'paid',
        total: { amount: '1941.13', currency: 'USD' },
        balance: { amount: '0.00', currency: 'USD' },
        issuedAt: '2026-03-25T10:29:41.000Z',
        voidedAt: null,
        items: [expect.objectContaining({ slug: 'ocean_freight', amount: { _object: '/money', amount: '1941.13', currency_code: 'USD' } })],
        lastEventAt: '2026-04-20T14:59:58.000Z',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    }
  });

  it('GET /invoices/:id of an invoice only v2 described: its v2 fields, the compact ones null', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/invoices/${i.v2Invoice}`));
    for (const invoice of [forward, reverse]) {
      expect(invoice).toMatchObject({
        kind: null,
        amount: null,
        currency: null,
        status: 'void',
        voidedAt: '2026-04-03T09:12:30.000Z',
        total: { amount: '310.50', currency: 'USD' },
        balance: null,
        name: null,
        items: null,
        shipmentId: null,
      });
    }
  });

  it('GET /documents/:id: the v2 resource over the older compact upload, with memo, archive and upload times', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/documents/${i.document}`));
    for (const [document, i] of [
      [forward, sets.get('forward')!],
      [reverse, sets.get('reverse')!],
    ] as const) {
      expect(document).toMatchObject({
        shipmentId: String(i.shipment),
        documentType: 'commercial_invoice',
        fileName: 'CI-CAT.pdf',
        url: `https://api.flexport.com/documents/${i.document}/download`,
        memo: 'Superseded',
        archivedAt: '2026-02-26T11:04:40.000Z',
        uploadedAt: '2026-02-24T03:19:52.000Z',
        lastEventAt: '2026-02-26T11:04:40.000Z',
      });
    }
  });

  it('GET /containers/:number: the status of the vessel events, and the pickup, last free day and empty return', async () => {
    const [forward, reverse] = await both((i) => stack.client.json(`/containers/${i.container}`));
    for (const [container, i] of [
      [forward, sets.get('forward')!],
      [reverse, sets.get('reverse')!],
    ] as const) {
      expect(container).toMatchObject({
        containerNumber: i.container,
        shipmentId: String(i.shipment),
        status: 'unloaded',
        lastFreeDay: '2026-03-29',
        availableForPickupAt: '2026-03-24T14:30:00.000Z',
        emptyReturnedAt: '2026-03-30T20:40:00.000Z',
        lastEventAt: '2026-03-30T20:55:00.000Z',
      });
    }
  });

  it('GET /shipments/:id/timeline: every event naming the shipment, ignored ones included, ascending, paged', async () => {
    const [forward, reverse] = await both(async (i) => {
      const items: Array<Record<string, unknown>> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { items: Array<Record<string, unknown>>; nextCursor: string | null } = await stack.client.json(
          `/shipments/${i.shipment}/timeline?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(4);
        items.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return items;
    });
    const shape = (items: Array<Record<string, unknown>>) =>
      items.map(({ type, category, name, status }) => [type, category, name, status]);
    expect(shape(forward)).toEqual(shape(reverse));
    const types = forward.map((item) => item.type);
    // Nine shipment events, three invoice events (not the v2-only invoice), the two v2 documents (the compact one names
    // no shipment), the five container events.
    expect(types).toContain('/shipment#created');
    expect(types).toContain('/shipment#hyperloop_transfer_delay');
    expect(types).toContain('/invoice#invoice_payment_made');
    expect(types).toContain('/document#archived');
    expect(types).toContain('invoice.created');
    expect(types).not.toContain('document.uploaded');
    expect(forward).toHaveLength(9 + 3 + 2 + 5);
    expect(new Set(forward.map((item) => item.eventId)).size).toBe(forward.length);
    const times = forward.map((item) => Date.parse(item.occurredAt as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(forward.find((item) => item.type === '/shipment#created')).toMatchObject({ category: 'unknown', name: null, status: 'ignored' });
    expect(forward.find((item) => item.type === '/shipment_leg#departed')).toMatchObject({
      category: 'milestone',
      name: 'departed',
      status: 'processed',
      location: { name: 'Port of Yantian', country: 'CN' },
    });
    expect(Object.keys(forward[0]).sort()).toEqual(['category', 'eventId', 'location', 'name', 'occurredAt', 'status', 'type']);
  });

  it('GET /shipments/:id/timeline answers 404 for a shipment nothing names, 400 for a forged cursor', async () => {
    expect((await stack.client.get('/shipments/SHP-NOBODY/timeline')).status).toBe(404);
    const forged = Buffer.from('["yesterday","x"]').toString('base64url');
    expect((await stack.client.get(`/shipments/${sets.get('forward')!.shipment}/timeline?cursor=${forged}`)).status).toBe(400);
  });

  it('counts ignored events by type in /metrics', async () => {
    const ignored = await waitFor(
      async () => {
        const text = await (await stack.client.get('/metrics')).text();
        const created = /flexport_events_ignored_total\{type="\/shipment#created"\} (\d+)/.exec(text);
        const unknown = /flexport_events_ignored_total\{type="\/shipment#hyperloop_transfer_delay"\} (\d+)/.exec(text);
        return created && unknown ? [Number(created[1]), Number(unknown[1])] : undefined;
      },
      { what: 'ignored types in /metrics' },
    );
    expect(ignored).toEqual([2, 2]);
  });
});
