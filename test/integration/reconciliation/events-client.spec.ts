import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  FlexportApiError,
  FlexportApiFailure,
  FlexportEventsClient,
  FlexportEventsClientOptions,
  OAuthTokenProvider,
  oauthTokenKeys,
  StaticTokenProvider,
} from '@app/reconciliation';
import { FakeFlexportApi, OtherOrigin, startFakeFlexportApi, startOtherOrigin } from '../../support/fake-flexport-api.js';
import { listedEvents } from '../../support/listed-events.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

const TOKEN = 'flexport-api-key-for-tests';
const WINDOW = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
/** Fast backoff, so that only an honoured Retry-After can make a test wait a second. */
const FAST = { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2_000 };

async function collect(client: FlexportEventsClient) {
  const ids: unknown[] = [];
  for await (const event of client.events(WINDOW)) ids.push(event.id);
  return ids;
}

async function failure(promise: Promise<unknown>): Promise<FlexportApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlexportApiError);
  return error as FlexportApiError;
}

describe("Flexport's Events API client against a local fake", () => {
  let api: FakeFlexportApi;
  let other: OtherOrigin | undefined;
  const client = (options: Partial<FlexportEventsClientOptions> = {}, token = TOKEN) =>
    new FlexportEventsClient({ apiUrl: api.origin, ...options, request: { ...FAST, ...options.request } }, new StaticTokenProvider(token));

  beforeAll(async () => {
    Logger.overrideLogger(false);
    api = await startFakeFlexportApi({ apiTokens: [TOKEN] });
    // 250 events in the window, and one on each side of it that must not be listed.
    api.addEvents([
      ...listedEvents(1, '2026-02-28T23:59:59Z', 9000),
      ...listedEvents(250, '2026-03-01T00:00:00Z', 1),
      ...listedEvents(1, '2026-03-02T00:00:01Z', 9001),
    ]);
  });
  afterAll(() => api.close());
  afterEach(async () => {
    await other?.close();
    other = undefined;
    api.reset();
  });

  it('lists a window across several pages by following each next URL, with the token and Flexport-Version: 2', async () => {
    const ids = await collect(client());
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    const listings = api.listings();
    expect(listings).toHaveLength(3);
    const first = new URL(listings[0].url, api.origin).searchParams;
    expect(Object.fromEntries(first)).toEqual({
      'f.occurred_at.gte': '2026-03-01T00:00:00.000Z',
      'f.occurred_at.lte': '2026-03-02T00:00:00.000Z',
      per: '100',
      page: '1',
    });
    expect(listings.map((r) => new URL(r.url, api.origin).searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(listings.every((r) => r.authorization === `Bearer ${TOKEN}` && r.flexportVersion === '2')).toBe(true);
  });

  it('yields one page at a time: the next page is asked only when the previous one has been consumed', async () => {
    const pages = client().pages(WINDOW);
    const first = await pages.next();
    expect(first.value).toMatchObject({ index: 1, events: expect.any(Array) });
    expect(api.listings()).toHaveLength(1);
    await pages.return(undefined);
  });

  it('the fake refuses a listing without the token with 401, and the client reports it without retrying a static token', async () => {
    const bare = await fetch(`${api.origin}/events`, { headers: { 'Flexport-Version': '2' } });
    expect(bare.status).toBe(401);
    const error = await failure(collect(client({}, 'wrong-token')));
    expect(error).toMatchObject({ reason: FlexportApiFailure.Unauthorized, status: 401 });
    expect(api.listings()).toHaveLength(2);
  });

  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    api.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    expect(await collect(client())).toHaveLength(250);
    const [limited, retried] = api.listings();
    expect([limited.status, retried.status]).toEqual([429, 200]);
    expect(retried.url).toBe(limited.url);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    api.failNext({ kind: 'status', status: 500 });
    expect(await collect(client())).toHaveLength(250);
    expect(api.listings().map((r) => r.status)).toEqual([500, 200, 200, 200]);
  });

  it('gives up after a bounded number of retries when the server keeps failing', async () => {
    api.failNext({ kind: 'status', status: 503 }, 10);
    const error = await failure(collect(client({ request: { maxRetries: 3 } })));
    expect(error).toMatchObject({ reason: FlexportApiFailure.RetriesExhausted, status: 503 });
    expect(api.listings()).toHaveLength(4);
  });

  it('fails at once, without waiting, when Retry-After is longer than a run will wait', async () => {
    api.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '3600' } });
    const started = Date.now();
    const error = await failure(collect(client()));
    expect(error.reason).toBe(FlexportApiFailure.RateLimited);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.listings()).toHaveLength(1);
  });

  it('does not follow a next URL on another origin: nothing reaches it, and the listing fails', async () => {
    other = await startOtherOrigin();
    const foreign = other.origin;
    const redirected = await startFakeFlexportApi({
      apiTokens: [TOKEN],
      rewriteNext: (next, page) => (page === 2 ? next.replace(/^http:\/\/[^/]+/, foreign) : next),
    });
    try {
      redirected.addEvents(listedEvents(250, '2026-03-01T00:00:00Z', 1));
      const logged = jest.spyOn(Logger.prototype, 'error');
      const seen: number[] = [];
      const listing = (async () => {
        const c = new FlexportEventsClient({ apiUrl: redirected.origin, request: FAST }, new StaticTokenProvider(TOKEN));
        for await (const page of c.pages(WINDOW)) seen.push(page.index);
      })();
      const error = await failure(listing);
      expect(error.reason).toBe(FlexportApiFailure.ForeignOrigin);
      expect(error.message).toContain(foreign);
      expect(seen).toEqual([1, 2]);
      expect(other.requests).toEqual([]);
      expect(logged).toHaveBeenCalledWith(expect.objectContaining({ next: foreign, page: 2 }));
      logged.mockRestore();
    } finally {
      await redirected.close();
    }
  });

  it('does not follow a redirect either', async () => {
    other = await startOtherOrigin();
    api.failNext({ kind: 'status', status: 302, headers: { Location: `${other.origin}/events` } });
    const error = await failure(collect(client()));
    expect(error).toMatchObject({ reason: FlexportApiFailure.HttpError, status: 302 });
    expect(other.requests).toEqual([]);
  });

  it('times out a request that never answers, or whose body never ends, and retries it', async () => {
    api.failNext({ kind: 'hang' });
    api.failNext({ kind: 'hang-body' });
    const started = Date.now();
    expect(await collect(client({ request: { timeoutMs: 300 } }))).toHaveLength(250);
    expect(api.listings()).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['not JSON', '<html>maintenance</html>'],
    ['JSON of another shape', JSON.stringify({ data: { items: [] } })],
    ['events that are not objects', JSON.stringify({ data: { data: [1, 2] } })],
  ])('reports a garbage answer (%s) as an invalid response, not a crash', async (_, body) => {
    api.failNext({ kind: 'status', status: 200, body });
    const error = await failure(collect(client()));
    expect(error.reason).toBe(FlexportApiFailure.InvalidResponse);
  });

  it('stops paging that never ends', async () => {
    const looping = await startFakeFlexportApi({
      apiTokens: [TOKEN],
      rewriteNext: (next, page) => (page === 2 ? next.replace('page=3', 'page=2') : next),
    });
    try {
      looping.addEvents(listedEvents(250, '2026-03-01T00:00:00Z', 1));
      const c = new FlexportEventsClient({ apiUrl: looping.origin, request: FAST }, new StaticTokenProvider(TOKEN));
      const error = await failure(collect(c));
      expect(error.reason).toBe(FlexportApiFailure.InvalidResponse);
      expect(looping.listings()).toHaveLength(2);
    } finally {
      await looping.close();
    }
  });
});

describe('the client with OAuth tokens', () => {
  const prefix = uniquePrefix('events-client');
  const client = { clientId: 'client-1', clientSecret: 'client-secret-1' };
  let api: FakeFlexportApi;
  let redis: Redis;

  beforeAll(async () => {
    api = await startFakeFlexportApi({ oauthClients: [client] });
    api.addEvents(listedEvents(120, '2026-03-01T00:00:00Z', 1));
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await api.close();
    redis.disconnect();
    await deletePrefix(prefix);
  });

  const oauthClient = (keyPrefix: string) =>
    new FlexportEventsClient(
      { apiUrl: api.origin, request: FAST },
      new OAuthTokenProvider({ apiUrl: api.origin, ...client, redis, keyPrefix, request: FAST }),
    );

  it('drops a refused cached token once, gets a new one and carries on', async () => {
    const keyPrefix = `${prefix}-stale`;
    const key = oauthTokenKeys(keyPrefix, api.origin, client.clientId).token;
    // A token another process cached, which Flexport no longer accepts.
    await redis.set(key, 'revoked-token', 'PX', 60_000);
    const before = api.tokenRequests;
    const ids = await collect(oauthClient(keyPrefix));
    expect(ids).toHaveLength(120);
    expect(api.tokenRequests).toBe(before + 1);
    const listings = api.listings().slice(-3);
    expect(listings.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(listings[0].authorization).toBe('Bearer revoked-token');
    const renewed = await redis.get(key);
    expect(renewed).toMatch(/^sim_/);
    expect(listings.slice(1).map((r) => r.authorization)).toEqual([`Bearer ${renewed}`, `Bearer ${renewed}`]);
  });

  it('gives up after one renewal when the new token is refused too', async () => {
    const c = oauthClient(`${prefix}-refused`);
    api.failNext({ kind: 'status', status: 401 }, 2);
    const before = api.tokenRequests;
    const error = await failure(collect(c));
    expect(error).toMatchObject({ reason: FlexportApiFailure.Unauthorized, status: 401 });
    expect(api.tokenRequests).toBe(before + 2);
  });
});
