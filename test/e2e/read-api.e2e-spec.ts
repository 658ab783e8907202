import { fixtureBytes } from '../support/fixtures.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIXTURES = [
  'compact/booking-amended.json',
  'compact/container-loaded.json',
  'compact/document-bill-of-lading.json',
  'compact/eta-updated.json',
  'compact/invoice-freight-ready.json',
  'compact/milestone-departed.json',
  'compact/purchase-order-created.json',
  'flexport-v2/container-loaded-on-board.json',
  'flexport-v2/shipment-customs-released.json',
  'flexport-v2/shipment-leg-departed.json',
  'flexport-v2/shipment-leg-eta-updated.json',
  'flexport-v2/unknown-future-type.json',
];

/** Shipments only this suite creates, for filtering and paging. */
const PAGED = ['PGA', 'PGB', 'PGC', 'PGD', 'PGE'].map((suffix, i) => ({
  id: `evt_page_${suffix}`,
  shipmentId: `SHP-PAGE-${suffix}`,
  milestone: i % 2 === 0 ? 'arrived' : 'delivered',
  occurredAt: `2026-04-0${i + 1}T10:00:00Z`,
}));

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('read API (README "Reading state")', () => {
  let stack: ApiStack;
  const eventIds: string[] = [];

  beforeAll(async () => {
    stack = await startApiStack('read');
    for (const fixture of FIXTURES) eventIds.push((await stack.client.deliver(fixtureBytes(fixture))).eventId!);
    for (const spec of PAGED) {
      const body = JSON.stringify({
        id: spec.id,
        type: 'shipment.milestone',
        data: { shipment_id: spec.shipmentId, milestone: spec.milestone, occurred_at: spec.occurredAt, location: null },
      });
      eventIds.push((await stack.client.deliver(body)).eventId!);
    }
    for (const eventId of eventIds) await stack.client.settled(eventId);
  }, 120_000);

  afterAll(() => stack?.stop());

  describe('authentication', () => {
    const routes = [
      '/shipments',
      '/shipments/104233',
      '/bookings/BKG-88120',
      '/purchase-orders/PO-2026-0142',
      '/invoices/gwdpaYrhTI-T1ljn1M7o7w',
      '/documents/doc_7Kq2ZpX',
      '/containers/MSKU7748201',
      '/events',
      '/events/2208114',
    ];
    const credentials: Array<[string, string | null]> = [
      ['no Authorization header', null],
      ['a wrong token', 'Bearer not-the-token'],
      ['the token with a character missing', `Bearer ${E2E_SECRETS.apiToken.slice(0, -1)}`],
      ['the token with a character added', `Bearer ${E2E_SECRETS.apiToken}x`],
      ['another scheme', `Basic ${Buffer.from(`admin:${E2E_SECRETS.apiToken}`).toString('base64')}`],
      ['the bare token', E2E_SECRETS.apiToken],
      ['an empty bearer', 'Bearer '],
    ];

    it.each(routes)('GET %s answers 401 without the right bearer token, whatever is sent instead', async (route) => {
      for (const [, authorization] of credentials) {
        const response = await stack.client.get(route, authorization);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await response.json()).toEqual({ error: 'unauthorized' });
      }
    });

    it.each(['/admin/dead-letters', '/admin/dead-letters/2208114/replay', '/admin/replay', '/admin/rebuild', '/admin/reconcile'])(
      '%s answers 401 to anything but the admin token, the read token included',
      async (route) => {
        const admin = [...credentials, ['the read token', `Bearer ${E2E_SECRETS.apiToken}`] as [string, string]];
        for (const [, authorization] of admin) {
          if (route === '/admin/dead-letters') {
            const response = await stack.client.get(route, authorization);
            expect(response.status).toBe(401);
            continue;
          }
          const response = await stack.client.post(route, {}, authorization);
          expect(response.status).toBe(401);
          expect(await response.json()).toEqual({ error: 'unauthorized' });
        }
      },
    );

    it('accepts the scheme name in any case', async () => {
      expect((await stack.client.get('/shipments/104233', `bearer ${E2E_SECRETS.apiToken}`)).status).toBe(200);
    });
  });

  describe('unknown ids answer 404', () => {
    it.each([
      '/shipments/SHP-NOPE',
      '/bookings/BKG-NOPE',
      '/purchase-orders/PO-NOPE',
      '/invoices/INV-NOPE',
      '/documents/DOC-NOPE',
      '/containers/NOPE0000000',
      '/events/evt_never_sent',
      '/events/sha256%3A0000',
    ])('%s', async (route) => {
      const response = await stack.client.get(route);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    });
  });

  it('GET /shipments/:id has exactly the contract fields, milestones ascending, times in UTC', async () => {
    const shipment = await stack.client.json('/shipments/104233');
    expect(sorted(Object.keys(shipment))).toEqual(
      sorted([
        'id',
        'status',
        'statusAt',
        'location',
        'estimatedDepartureAt',
        'estimatedArrivalAt',
        'actualDepartureAt',
        'actualArrivalAt',
        'cargoReadyDate',
        'customsStatus',
        'milestones',
        'exceptions',
        'containers',
        'updatedAt',
      ]),
    );
    expect(shipment).toMatchObject({
      id: '104233',
      status: 'customs_cleared',
      statusAt: '2026-03-22T18:58:00.000Z',
      actualDepartureAt: '2026-03-02T06:40:00.000Z',
      customsStatus: 'released',
      cargoReadyDate: null,
      exceptions: [],
    });
    const milestones = shipment.milestones as Array<Record<string, unknown>>;
    expect(milestones.map((m) => [m.milestone, m.eventId])).toEqual([
      ['departed', '2208114'],
      ['customs_cleared', '2208377'],
    ]);
    for (const milestone of milestones) {
      expect(sorted(Object.keys(milestone))).toEqual(['eventId', 'location', 'milestone', 'occurredAt']);
      expect(milestone.occurredAt).toMatch(ISO_UTC);
    }
    expect(shipment.location).toEqual({ name: expect.any(String), country: expect.any(String) });
    for (const field of ['statusAt', 'estimatedArrivalAt', 'actualDepartureAt', 'updatedAt']) {
      expect(shipment[field]).toMatch(ISO_UTC);
    }
  });

  it('GET /shipments/:id of a compact shipment carries its location, ETA and containers', async () => {
    const shipment = await stack.client.json('/shipments/SHP-104233');
    expect(shipment).toMatchObject({
      status: 'departed',
      statusAt: '2026-03-02T06:40:00.000Z',
      location: { name: 'Port of Yantian', country: 'CN' },
      estimatedArrivalAt: '2026-03-21T14:00:00.000Z',
      containers: ['MSKU7748201'],
    });
  });

  it('GET /shipments pages through every shipment once, in a stable order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await stack.client.json(`/shipments${query}`);
      expect(sorted(Object.keys(page))).toEqual(['items', 'nextCursor']);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(sorted(seen)).toEqual(sorted(['104233', 'SHP-104233', ...PAGED.map((p) => p.shipmentId)]));
    const full = await stack.client.json<{ items: Array<{ id: string }> }>('/shipments');
    expect(full.items.map((item) => item.id)).toEqual(seen);
  });

  it('GET /shipments?status= filters by the winning milestone, and pages the filtered set', async () => {
    const arrived = PAGED.filter((p) => p.milestone === 'arrived').map((p) => p.shipmentId);
    const first = await stack.client.json<{ items: Array<{ id: string; status: string }>; nextCursor: string }>(
      '/shipments?status=arrived&limit=2',
    );
    expect(first.items.map((item) => item.id)).toEqual(arrived.slice(0, 2));
    const second = await stack.client.json<{ items: Array<{ id: string }>; nextCursor: string | null }>(
      `/shipments?status=arrived&limit=2&cursor=${first.nextCursor}`,
    );
    expect(second.items.map((item) => item.id)).toEqual(arrived.slice(2));
    expect(second.nextCursor).toBeNull();
    expect((await stack.client.json<{ items: unknown[] }>('/shipments?status=&limit=')).items.length).toBe(7);
  });

  it.each([
    ['/shipments?limit=0', 'limit'],
    ['/shipments?limit=501', 'limit'],
    ['/shipments?limit=ten', 'limit'],
    ['/shipments?limit=1&limit=2', 'limit'],
    ['/shipments?status=teleported', 'status'],
    ['/shipments?sort=id', 'sort'],
    ['/shipments?cursor=%25%25%25', 'cursor'],
    ['/events?status=lost', 'status'],
    ['/events?category=weather', 'category'],
    ['/events?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    [`/events?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'cursor'],
    [`/events?cursor=${Buffer.from('["2026-02-30 25:00:00+00","x"]').toString('base64url')}`, 'valid'],
    ['/events/evt%00nul', 'valid'],
    ['/admin/dead-letters?reason=bored', 'reason'],
    [`/admin/dead-letters?cursor=${Buffer.from('["2026-01-01 00:00:00+00","1; drop"]').toString('base64url')}`, 'cursor'],
  ])('GET %s answers 400 naming the problem', async (route, field) => {
    const response = route.startsWith('/admin/') ? await stack.client.adminGet(route) : await stack.client.get(route);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string[] };
    expect(body.error).toBe('invalid_request');
    expect(body.message.join(' ')).toContain(field);
  });

  it('GET /bookings/:id', async () => {
    const booking = await stack.client.json('/bookings/BKG-88120');
    expect(booking).toEqual({
      id: 'BKG-88120',
      shipmentId: 'SHP-104233',
      status: 'amended',
      details: expect.objectContaining({ cargo_ready_date: '2026-02-27' }),
      lastEventAt: '2026-02-20T16:44:00.000Z',
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
  });

  it('GET /purchase-orders/:id', async () => {
    const po = await stack.client.json('/purchase-orders/PO-2026-0142');
    expect(po).toMatchObject({ id: 'PO-2026-0142', number: '4500018842', status: 'open' });
    expect(po.lineItems).toEqual([
      expect.objectContaining({ sku: 'LMP-3301', unit_cost: { amount: '4.85', currency_code: 'USD' } }),
      expect.objectContaining({ sku: 'LMP-3302' }),
    ]);
    expect(po.lastEventAt).toBe('2026-01-12T08:59:30.000Z');
  });

  it('GET /invoices/:id gives money as the decimal string sent, with its currency', async () => {
    const invoice = await stack.client.json('/invoices/gwdpaYrhTI-T1ljn1M7o7w');
    expect(invoice).toEqual({
      id: 'gwdpaYrhTI-T1ljn1M7o7w',
      shipmentId: 'SHP-104233',
      kind: 'freight_invoice',
      amount: '18422.07',
      currency: 'USD',
      dueDate: '2026-04-24',
      name: null,
      status: null,
      total: null,
      balance: null,
      issuedAt: null,
      voidedAt: null,
      items: null,
      lastEventAt: '2026-03-25T10:29:41.000Z',
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
  });

  it('GET /documents/:id', async () => {
    expect(await stack.client.json('/documents/doc_7Kq2ZpX')).toMatchObject({
      id: 'doc_7Kq2ZpX',
      shipmentId: 'SHP-104233',
      documentType: 'flexport_bill_of_lading',
      fileName: 'HBL-FLXT104233.pdf',
      url: 'https://api.flexport.com/documents/doc_7Kq2ZpX/download',
    });
  });

  it('GET /containers/:number', async () => {
    expect(await stack.client.json('/containers/MSKU7748201')).toEqual({
      containerNumber: 'MSKU7748201',
      shipmentId: 'SHP-104233',
      status: 'loaded',
      lastEventAt: '2026-03-02T04:55:00.000Z',
      location: { name: 'Port of Yantian', country: 'CN' },
      lastFreeDay: null,
      availableForPickupAt: null,
      emptyReturnedAt: null,
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
  });

  it('GET /containers/:number finds a container whatever the case of the number', async () => {
    expect(await stack.client.json('/containers/msku7748201')).toMatchObject({ containerNumber: 'MSKU7748201' });
  });

  it('GET /events/:eventId has exactly the contract fields (plus occurredAt)', async () => {
    const event = await stack.client.json('/events/2208114');
    expect(event).toEqual({
      eventId: '2208114',
      type: '/shipment_leg#departed',
      category: 'milestone',
      name: 'departed',
      status: 'processed',
      attempts: 1,
      lastError: null,
      occurredAt: '2026-03-02T06:40:00.000Z',
      receivedAt: expect.stringMatching(ISO_UTC),
      processedAt: expect.stringMatching(ISO_UTC),
      source: 'webhook',
    });
  });

  it('keeps an event of an unknown type as ignored', async () => {
    expect(await stack.client.json('/events/2208999')).toMatchObject({ status: 'ignored', category: 'unknown', name: null });
    const ignored = await stack.client.json<{ items: Array<{ eventId: string }> }>('/events?status=ignored');
    expect(ignored.items.map((e) => e.eventId)).toEqual(['2208999']);
  });

  it('GET /events?type= matches the canonical name or the raw type', async () => {
    const byName = await stack.client.json<{ items: Array<{ eventId: string }> }>('/events?type=departed');
    expect(sorted(byName.items.map((e) => e.eventId))).toEqual(sorted(['2208114', 'evt_01JD7QK9N2W5Z8XG4M3R6T1YHV']));
    const byType = await stack.client.json<{ items: Array<{ eventId: string }> }>(
      `/events?type=${encodeURIComponent('/shipment_leg#departed')}`,
    );
    expect(byType.items.map((e) => e.eventId)).toEqual(['2208114']);
    const byCategory = await stack.client.json<{ items: Array<{ category: string }> }>('/events?category=container');
    expect(byCategory.items.length).toBe(2);
  });

  it('GET /events pages through the whole log in receipt order, each event once', async () => {
    const seen: string[] = [];
    const received: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=4&cursor=${cursor}` : '?limit=4';
      const page: { items: Array<{ eventId: string; receivedAt: string }>; nextCursor: string | null } = await stack.client.json(
        `/events${query}`,
      );
      seen.push(...page.items.map((item) => item.eventId));
      received.push(...page.items.map((item) => item.receivedAt));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(sorted(seen)).toEqual(sorted(eventIds));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...received].sort()).toEqual(received);
  });
});
