import { createHmac } from 'node:crypto';
import { signatureHeaders } from '@app/flexport';
import { fixtureBytes } from '../support/fixtures.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';
import { requestFrom, trickle } from '../support/http-from.js';
import { ServiceProcess, startService } from '../support/service-process.js';

const METRICS_TOKEN = 'e2e-metrics-token-6a0f3d92c1';
const FAILURE_LIMIT = 5;
const REQUEST_TIMEOUT_MS = 2000;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });

/** Each test that counts failures uses its own source address, so their counts stay apart. */
let nextAddress = 10;
const freshAddress = () => `127.0.0.${nextAddress++}`;

describe('safe by default: credentials, limits, headers, bodies and timeouts', () => {
  let stack: ApiStack;
  /** A second API on the same stack with the defaults: SHA-1 accepted, no metrics token. */
  let defaults: ServiceProcess;

  beforeAll(async () => {
    stack = await startApiStack('security', {
      worker: false,
      env: {
        METRICS_TOKEN,
        AUTH_FAILURES_PER_MINUTE: String(FAILURE_LIMIT),
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        ACCEPT_SHA1_SIGNATURES: 'false',
      },
    });
    const { METRICS_TOKEN: _m, AUTH_FAILURES_PER_MINUTE: _a, REQUEST_TIMEOUT_MS: _r, ACCEPT_SHA1_SIGNATURES: _s, ...plain } = stack.env;
    defaults = await startService('api', { ...plain, RUN_MIGRATIONS: 'false' }, { startTimeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await defaults?.stop();
    await stack?.stop();
  });

  const url = (path: string) => `${stack.api.url}${path}`;

  describe('one credential per part of the API', () => {
    // Every row names a body (null: none), so that jest does not take a missing one for a done callback.
    const adminRoutes: Array<[string, string, unknown]> = [
      ['GET', '/admin/dead-letters', null],
      ['POST', '/admin/dead-letters/evt_x/replay', null],
      ['POST', '/admin/replay', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }],
      ['POST', '/admin/rebuild', null],
      ['GET', '/admin/replay/00000000-0000-4000-8000-000000000000', null],
      ['GET', '/admin/rebuild/00000000-0000-4000-8000-000000000000', null],
      ['POST', '/admin/reconcile', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }],
      ['GET', '/admin/reconcile/00000000-0000-4000-8000-000000000000', null],
    ];

    it.each(adminRoutes)('the read token gets 401 at %s %s', async (method, path, body) => {
      const response = await requestFrom(freshAddress(), url(path), {
        method,
        headers: { ...bearer(E2E_SECRETS.apiToken), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ error: 'unauthorized' });
    });

    it('the admin token opens the admin API, and not the read API', async () => {
      expect((await fetch(url('/admin/dead-letters'), { headers: bearer(E2E_SECRETS.adminApiToken) })).status).toBe(200);
      expect((await fetch(url('/events?limit=1'), { headers: bearer(E2E_SECRETS.adminApiToken) })).status).toBe(401);
      expect((await fetch(url('/events?limit=1'), { headers: bearer(E2E_SECRETS.apiToken) })).status).toBe(200);
    });

    it('/metrics needs METRICS_TOKEN when it is set, and no other credential opens it', async () => {
      expect((await fetch(url('/metrics'))).status).toBe(401);
      expect((await fetch(url('/metrics'), { headers: bearer(E2E_SECRETS.apiToken) })).status).toBe(401);
      expect((await fetch(url('/metrics'), { headers: bearer(E2E_SECRETS.adminApiToken) })).status).toBe(401);
      const scraped = await fetch(url('/metrics'), { headers: bearer(METRICS_TOKEN) });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('flexport_webhooks_received_total');
      expect((await fetch(`${defaults.url}/metrics`)).status).toBe(200);
    });
  });

  describe(`429 after ${FAILURE_LIMIT} failed authentications a minute from one address`, () => {
    const scopes: Array<[string, string, Record<string, string>, Record<string, string>]> = [
      ['the read API', '/events?limit=1', bearer('wrong-token'), bearer(E2E_SECRETS.apiToken)],
      ['the admin API', '/admin/dead-letters', bearer(E2E_SECRETS.apiToken), bearer(E2E_SECRETS.adminApiToken)],
      ['/metrics', '/metrics', bearer('wrong-token'), bearer(METRICS_TOKEN)],
      ['the board', '/admin/queues/api/queues', basic('wrong-password'), basic(E2E_SECRETS.adminPassword)],
    ];

    it.each(scopes)(
      '%s: 401 up to the limit, then 429 with Retry-After; the right credential still opens it',
      async (_label, path, wrong, right) => {
        const from = freshAddress();
        for (let i = 0; i < FAILURE_LIMIT; i++) expect((await requestFrom(from, url(path), { headers: wrong })).status).toBe(401);
        const limited = await requestFrom(from, url(path), { headers: wrong });
        expect(limited.status).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect((await requestFrom(from, url(path), { headers: right })).status).toBe(200);
        expect((await requestFrom(freshAddress(), url(path), { headers: wrong })).status).toBe(401);
      },
    );

    it('counts failures on every part together, per address', async () => {
      const from = freshAddress();
      for (const [, path, wrong] of scopes.slice(0, FAILURE_LIMIT - 1)) await requestFrom(from, url(path), { headers: wrong });
      expect((await requestFrom(from, url('/events'), { headers: bearer('nope') })).status).toBe(401);
      expect((await requestFrom(from, url('/admin/queues'), { headers: basic('nope') })).status).toBe(429);
    });

    it('never limits the webhook route: refused signatures stay 401, and a signed event gets through', async () => {
      const from = freshAddress();
      for (let i = 0; i < FAILURE_LIMIT; i++) await requestFrom(from, url('/events'), { headers: bearer('nope') });
      expect((await requestFrom(from, url('/events'), { headers: bearer('nope') })).status).toBe(429);
      const body = fixtureBytes('compact/booking-amended.json');
      for (let i = 0; i < 3 * FAILURE_LIMIT; i++) {
        const refused = await requestFrom(from, url('/webhooks/flexport'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
          body,
        });
        expect(refused.status).toBe(401);
      }
      const accepted = await requestFrom(from, url('/webhooks/flexport'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(body, E2E_SECRETS.webhookSecret) },
        body,
      });
      expect(accepted.status).toBe(200);
      expect(accepted.headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  describe('security headers on the pages a browser opens, and only there', () => {
    it.each([
      ['the board', '/admin/queues', basic(E2E_SECRETS.adminPassword)],
      ['the board, refusing a visitor', '/admin/queues', {}],
      ['the board API', '/admin/queues/api/queues', basic(E2E_SECRETS.adminPassword)],
      ['the docs', '/docs', {}],
      ['the OpenAPI document', '/docs/openapi.json', {}],
    ])('%s forbids framing by other sites', async (_label, path, headers) => {
      const response = await fetch(url(path), { headers });
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('adds nothing to the webhook, read and health routes', async () => {
      const body = fixtureBytes('compact/booking-amended.json');
      const responses = [
        await fetch(url('/webhooks/flexport'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signatureHeaders(body, E2E_SECRETS.webhookSecret) },
          body,
        }),
        await fetch(url('/events?limit=1'), { headers: bearer(E2E_SECRETS.apiToken) }),
        await fetch(url('/health/live')),
      ];
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toBeNull();
        expect(response.headers.get('x-frame-options')).toBeNull();
      }
    });
  });

  describe('state-changing routes take JSON bodies only', () => {
    const admin = { ...bearer(E2E_SECRETS.adminApiToken) };
    const window = JSON.stringify({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
      'answers 415 to a %s body, as a cross-site form would send',
      async (contentType) => {
        const response = await fetch(url('/admin/replay'), {
          method: 'POST',
          headers: { ...admin, 'content-type': contentType },
          body: window,
        });
        expect(response.status).toBe(415);
        expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
      },
    );

    it('takes application/json (with a charset too), and a POST without a body needs no content type', async () => {
      for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
        const response = await fetch(url('/admin/replay'), {
          method: 'POST',
          headers: { ...admin, 'content-type': contentType },
          body: window,
        });
        expect(response.status).toBe(202);
        await waitForRun(stack, (await response.json()) as { runId: string });
      }
      expect((await fetch(url('/admin/dead-letters/evt_unknown/replay'), { method: 'POST', headers: admin })).status).toBe(404);
    });

    it.each([
      ['__proto__', '{"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z","__proto__":{"polluted":true}}'],
      [
        'constructor.prototype',
        '{"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z","constructor":{"prototype":{"polluted":true}}}',
      ],
    ])('refuses a JSON body carrying %s (prototype poisoning) with 400', async (_label, body) => {
      const response = await fetch(url('/admin/replay'), {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      // Refused by the parser itself, before validation could see the key.
      expect(await response.json()).toMatchObject({ error: 'invalid_request', message: ['the request body is not acceptable JSON'] });
    });

    it('still takes a webhook body of any content type (quarantined when signed but not an event)', async () => {
      const body = Buffer.from('a signed body that is not JSON');
      const response = await fetch(url('/webhooks/flexport'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...signatureHeaders(body, E2E_SECRETS.webhookSecret) },
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'quarantined' });
    });
  });

  describe(`REQUEST_TIMEOUT_MS=${REQUEST_TIMEOUT_MS}`, () => {
    it.each([
      [
        'a body one byte a second',
        'POST /webhooks/flexport HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
      ],
      ['headers one byte a second', 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: '],
    ])('a client sending %s is answered 408 or cut off within the limit, while other requests are served', async (_label, head) => {
      const slow = trickle(stack.api.port, head);
      const latencies: number[] = [];
      const started = Date.now();
      while (Date.now() - started < REQUEST_TIMEOUT_MS + 500) {
        const t0 = Date.now();
        expect((await fetch(url('/health/live'))).status).toBe(200);
        latencies.push(Date.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const result = await slow;
      expect(result.statusLine === null || /^HTTP\/1\.1 408/.test(result.statusLine)).toBe(true);
      // The limit, plus Node's check interval (at most 1 s) and some slack for a loaded machine.
      expect(result.endedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
      expect(result.bytesSent).toBeLessThan(8);
      expect(Math.max(...latencies)).toBeLessThan(500);
    });

    it('without a limit of its own the slow client would still be sending (the default server keeps it)', async () => {
      // The defaults API has the 15 s default: at the same point the slow client is still connected.
      const slow = trickle(defaults.port, 'POST /webhooks/flexport HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', {
        giveUpMs: REQUEST_TIMEOUT_MS + 2500,
      });
      const result = await slow;
      expect(result.statusLine).toBeNull();
      expect(result.endedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS + 2400);
    });
  });

  describe('legacy SHA-1 signatures', () => {
    const body = fixtureBytes('compact/container-loaded.json');
    const sha1Only = {
      'content-type': 'application/json',
      'x-hub-signature': `sha1=${createHmac('sha1', E2E_SECRETS.webhookSecret).update(body).digest('hex')}`,
    };

    it('are refused with ACCEPT_SHA1_SIGNATURES=false, while SHA-256 is accepted', async () => {
      const refused = await fetch(url('/webhooks/flexport'), { method: 'POST', headers: sha1Only, body });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: 'invalid_signature' });
      const sha256 = {
        'content-type': 'application/json',
        'x-hub-signature-256': signatureHeaders(body, E2E_SECRETS.webhookSecret)['X-Hub-Signature-256'],
      };
      expect((await fetch(url('/webhooks/flexport'), { method: 'POST', headers: sha256, body })).status).toBe(200);
    });

    it('are accepted by default, and counted in /metrics either way', async () => {
      expect((await fetch(`${defaults.url}/webhooks/flexport`, { method: 'POST', headers: sha1Only, body })).status).toBe(200);
      const counted = async () => {
        const text = await (await fetch(url('/metrics'), { headers: bearer(METRICS_TOKEN) })).text();
        const value = (outcome: string) =>
          Number(new RegExp(`flexport_webhooks_legacy_signature_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1]);
        return { accepted: value('accepted'), refused: value('refused') };
      };
      let seen = await counted();
      for (let i = 0; i < 30 && (seen.accepted < 1 || seen.refused < 1); i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        seen = await counted();
      }
      expect(seen).toEqual({ accepted: 1, refused: 1 });
    });
  });
});

async function waitForRun(stack: ApiStack, { runId }: { runId: string }): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${stack.api.url}/admin/replay/${runId}`, {
      headers: { authorization: `Bearer ${E2E_SECRETS.adminApiToken}` },
    });
    const run = (await response.json()) as Record<string, unknown>;
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}
