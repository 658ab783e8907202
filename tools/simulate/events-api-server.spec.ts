import { EventsApiServer, FLEXPORT_AUDIENCE, startEventsApiServer } from './events-api-server.js';

const TOKEN = 'events-api-spec-token';
const CLIENT = { clientId: 'spec-client', clientSecret: 'spec-secret' };
const event = (id: number, occurredAt: string) => ({
  _object: '/event',
  id,
  occurred_at: occurredAt,
  type: '/shipment_leg#departed',
  data: {},
});

describe('the simulated Flexport Events API', () => {
  let api: EventsApiServer;
  const list = (query: string, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, 'Flexport-Version': '2' }) =>
    fetch(`${api.origin}/events${query}`, { headers });

  beforeAll(async () => {
    api = await startEventsApiServer({ apiTokens: [TOKEN], oauthClients: [CLIENT] });
    // Added out of order: listed by occurred_at.
    api.addEvents([event(3, '2026-03-01T03:00:00Z'), event(1, '2026-03-01T01:00:00Z'), event(2, '2026-03-01T02:00:00+00:00')]);
    api.addEvents([event(4, '2026-03-01T04:00:00Z'), { id: 5, type: 'compact', data: { occurred_at: '2026-03-01T05:00:00Z' } }]);
  });
  afterAll(() => api.close());

  it('answers in the documented envelope, filtered by occurred_at (both ends included)', async () => {
    const response = await list('?f.occurred_at.gte=2026-03-01T02:00:00Z&f.occurred_at.lte=2026-03-01T05:00:00.000Z');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { data: { id: number }[] } };
    expect(body).toMatchObject({
      _object: '/api/response',
      version: 2,
      self: expect.stringContaining(api.origin),
      data: { _object: '/api/collections/paginated', prev: null, next: null },
    });
    expect(body.data.data.map((e) => e.id)).toEqual([2, 3, 4, 5]);
  });

  it('pages by page and per, with full URLs in next and prev, and at most 100 per page', async () => {
    const first = (await (await list('?per=2')).json()) as { data: { next: string; prev: null; data: { id: number }[] } };
    expect(first.data.data.map((e) => e.id)).toEqual([1, 2]);
    expect(first.data.next).toBe(`${api.origin}/events?per=2&page=2`);
    const second = (await (
      await fetch(first.data.next, { headers: { Authorization: `Bearer ${TOKEN}`, 'Flexport-Version': '2' } })
    ).json()) as {
      data: { next: string; prev: string; data: { id: number }[] };
    };
    expect(second.data.data.map((e) => e.id)).toEqual([3, 4]);
    expect(second.data.prev).toBe(`${api.origin}/events?per=2&page=1`);
    const capped = (await (await list('?per=500')).json()) as { data: { next: string | null } };
    expect(capped.data.next).toBeNull();
    expect(api.requests.at(-1)?.url).toBe('/events?per=500');
  });

  it('refuses a listing without a valid token (401), without Flexport-Version: 2 (400), or with a bad filter (400)', async () => {
    expect((await list('', {})).status).toBe(401);
    expect((await list('', { Authorization: 'Bearer nope', 'Flexport-Version': '2' })).status).toBe(401);
    expect((await list('', { Authorization: `Bearer ${TOKEN}` })).status).toBe(400);
    expect((await list('?f.occurred_at.gte=yesterday')).status).toBe(400);
    expect((await list('?page=0')).status).toBe(400);
  });

  it('issues OAuth tokens to its client for the Flexport audience, counts the requests, and accepts the tokens', async () => {
    const ask = (body: unknown) =>
      fetch(`${api.origin}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const grant = {
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      audience: FLEXPORT_AUDIENCE,
    };
    const before = api.tokenRequests;
    expect((await ask({ ...grant, client_secret: 'wrong' })).status).toBe(401);
    expect((await ask({ ...grant, audience: 'https://other' })).status).toBe(403);
    const answer = (await (await ask(grant)).json()) as { access_token: string; expires_in: number; token_type: string };
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 });
    expect(api.tokenRequests - before).toBe(3);
    expect((await list('', { Authorization: `Bearer ${answer.access_token}`, 'Flexport-Version': '2' })).status).toBe(200);
  });
});
