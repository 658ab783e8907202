import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlexportApiError, FlexportApiFailure, OAuthTokenProvider, OAuthTokenProviderOptions, oauthTokenKeys } from '@app/reconciliation';
import { FakeFlexportApi, startFakeFlexportApi } from '../../support/fake-flexport-api.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

const CLIENT = { clientId: 'client-1', clientSecret: 'client-secret-1' };
const FAST = { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2_000 };

describe('OAuth client credentials, the token shared through Redis', () => {
  const prefix = uniquePrefix('oauth-token');
  let api: FakeFlexportApi;
  const connections: Redis[] = [];

  /** A provider as one process builds it: its own Redis connection, nothing in memory. */
  function process(keyPrefix: string, options: Partial<OAuthTokenProviderOptions> = {}): OAuthTokenProvider {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    return new OAuthTokenProvider({ apiUrl: api.origin, ...CLIENT, redis, keyPrefix, request: FAST, ...options });
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    api = await startFakeFlexportApi({ oauthClients: [CLIENT] });
  });
  afterAll(async () => {
    await api.close();
    for (const redis of connections) redis.disconnect();
    await deletePrefix(prefix);
  });

  it('asks the token endpoint once, however many processes ask at once and however many runs follow', async () => {
    const keyPrefix = `${prefix}-shared`;
    const before = api.tokenRequests;
    const processes = Array.from({ length: 6 }, () => process(keyPrefix));
    const tokens = await Promise.all(processes.flatMap((p) => [p.getToken(), p.getToken()]));
    expect(new Set(tokens).size).toBe(1);
    expect(api.tokenRequests - before).toBe(1);
    // Later runs, in processes started since.
    for (let run = 0; run < 3; run++) expect(await process(keyPrefix).getToken()).toBe(tokens[0]);
    expect(api.tokenRequests - before).toBe(1);
    const listing = await fetch(`${api.origin}/events`, { headers: { Authorization: `Bearer ${tokens[0]}`, 'Flexport-Version': '2' } });
    expect(listing.status).toBe(200);
  });

  it('keeps the token in Redis under the service prefix until shortly before it expires', async () => {
    const keyPrefix = `${prefix}-ttl`;
    const token = await process(keyPrefix).getToken();
    const key = oauthTokenKeys(keyPrefix, api.origin, CLIENT.clientId).token;
    expect(key.startsWith(`${keyPrefix}:`)).toBe(true);
    expect(await keysUnder(`${keyPrefix}:*`)).toEqual([key]);
    const redis = connections[0];
    expect(await redis.get(key)).toBe(token);
    const ttl = await redis.pttl(key);
    // 24 h less a ten-minute margin.
    expect(ttl).toBeGreaterThan(86_400_000 - 600_000 - 5_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000 - 600_000);
  });

  it('asks again once the cached token is about to expire', async () => {
    const shortLived = await startFakeFlexportApi({ oauthClients: [CLIENT], tokenLifetimeS: 1 });
    try {
      const keyPrefix = `${prefix}-expiry`;
      const redis = new Redis(TEST_REDIS_URL);
      connections.push(redis);
      const provider = new OAuthTokenProvider({ apiUrl: shortLived.origin, ...CLIENT, redis, keyPrefix, request: FAST });
      const first = await provider.getToken();
      expect(await provider.getToken()).toBe(first);
      // A one-second token is dropped a tenth of its life early.
      await sleep(950);
      const second = await provider.getToken();
      expect(second).not.toBe(first);
      expect(shortLived.tokenRequests).toBe(2);
    } finally {
      await shortLived.close();
    }
  });

  it('sends the documented client-credentials body: a wrong secret is refused, and others do not ask again at once', async () => {
    const keyPrefix = `${prefix}-refused`;
    const before = api.tokenRequests;
    const wrong = (p: OAuthTokenProvider) =>
      p.getToken().then(
        () => undefined,
        (e: unknown) => e,
      );
    const first = await wrong(process(keyPrefix, { clientSecret: 'not-the-secret' }));
    expect(first).toBeInstanceOf(FlexportApiError);
    expect(first).toMatchObject({ reason: FlexportApiFailure.TokenRefused, status: 401 });
    const second = await wrong(process(keyPrefix, { clientSecret: 'not-the-secret' }));
    expect(second).toMatchObject({ reason: FlexportApiFailure.TokenRefused, message: expect.stringContaining('not asking again') });
    expect(api.tokenRequests - before).toBe(1);
    const otherAudience = await wrong(process(`${prefix}-audience`, { audience: 'https://elsewhere.example' }));
    expect(otherAudience).toMatchObject({ reason: FlexportApiFailure.TokenRefused, status: 403 });
  });

  it('takes over the token request when the process that held the lock died', async () => {
    const keyPrefix = `${prefix}-dead-holder`;
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    const keys = oauthTokenKeys(keyPrefix, api.origin, CLIENT.clientId);
    // A process took the lock, then died before it wrote a token; the lock expires on its own.
    await redis.set(keys.lock, 'dead-process', 'PX', 400);
    const before = api.tokenRequests;
    const started = Date.now();
    const token = await process(keyPrefix, { waitPollMs: 50 }).getToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(token).toMatch(/^sim_/);
    expect(api.tokenRequests - before).toBe(1);
    expect(await redis.exists(keys.lock)).toBe(0);
  });

  it('drops only the token that was refused: a newer one cached by another process stays', async () => {
    const keyPrefix = `${prefix}-invalidate`;
    const [a, b] = [process(keyPrefix), process(keyPrefix)];
    const old = await a.getToken();
    await b.invalidate(old);
    const fresh = await b.getToken();
    expect(fresh).not.toBe(old);
    await a.invalidate(old);
    expect(await a.getToken()).toBe(fresh);
  });
});
