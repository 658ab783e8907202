import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { createHmac } from 'node:crypto';
import { signatureHeaders } from '@app/flexport';
import { ApiClient, ApiStack, E2E_SECRETS, startApiStack, waitFor } from '../support/api-stack.js';
import { createTestDatabase, TestDatabase } from '../support/database.js';
import { fixtureBytes } from '../support/fixtures.js';
import { deletePrefix } from '../support/redis.js';
import { freePort, REPO_ROOT, ServiceProcess, startService, uniquePrefix } from '../support/service-process.js';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy.js';
import { parseMetrics } from '../support/metrics.js';

const EVENTS = [
  'compact/milestone-departed.json',
  'flexport-v2/shipment-leg-departed.json',
  'flexport-v2/shipment-customs-released.json',
  'compact/invoice-freight-ready.json',
  'compact/booking-amended.json',
  'flexport-v2/unknown-future-type.json',
];
const INVALID = JSON.stringify({
  id: 'evt_ops_invalid',
  type: 'invoice.created',
  data: { invoice_id: 'INV-X', amount: 12.5, currency: 'USD' },
});

describe('operations: metrics, docs, logs (API and worker as separate processes)', () => {
  let stack: ApiStack;
  const REQUEST_ID = 'e2e-request-7f3a';
  const COOKIE = 'session=e2e-cookie-value-91d2c';
  const sentSignatures: string[] = [];

  beforeAll(async () => {
    stack = await startApiStack('ops');
    const ids: string[] = [];
    for (const fixture of EVENTS) {
      const body = fixtureBytes(fixture);
      sentSignatures.push(...Object.values(signatureHeaders(body, E2E_SECRETS.webhookSecret)).map((v) => v.replace(/^sha\d+=/, '')));
      ids.push((await stack.client.deliver(body)).eventId!);
    }
    ids.push((await stack.client.deliver(INVALID)).eventId!);
    expect(await stack.client.deliver(fixtureBytes(EVENTS[0]))).toMatchObject({ status: 'duplicate' });
    for (const id of ids) await stack.client.settled(id);
    await fetch(`${stack.api.url}/webhooks/flexport`, { method: 'POST', body: '{}' });
    await fetch(`${stack.api.url}/webhooks/flexport`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'not-the-secret').update('{}').digest('hex')}` },
      body: '{}',
    });
  }, 120_000);

  afterAll(() => stack?.stop());

  describe('GET /metrics', () => {
    it('counts intake and worker events by category, across the two processes', async () => {
      const response = await fetch(`${stack.api.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      // Each process adds its counts to Redis every METRICS_FLUSH_INTERVAL_MS, so they land a moment later.
      const metrics = await waitFor(
        async () => {
          const current = parseMetrics(await (await fetch(`${stack.api.url}/metrics`)).text());
          return current.get('flexport_event_processing_seconds_count{category="milestone"}') === 3 &&
            current.get('flexport_webhooks_verification_failed_total{reason="invalid"}') === 1 &&
            current.get('flexport_events_dead_lettered_total{category="invoice"}') === 1 &&
            current.get('flexport_events_processed_total{category="unknown"}') === 1 &&
            current.get('flexport_event_end_to_end_seconds_count{category="booking"}') === 1
            ? current
            : undefined;
        },
        { timeoutMs: 10_000, what: 'the worker counts to reach /metrics' },
      );
      expect(metrics.get('flexport_webhooks_received_total{category="milestone"}')).toBe(4);
      expect(metrics.get('flexport_webhooks_duplicate_total{category="milestone"}')).toBe(1);
      expect(metrics.get('flexport_webhooks_received_total{category="invoice"}')).toBe(2);
      expect(metrics.get('flexport_webhooks_verification_failed_total{reason="missing"}')).toBe(1);
      expect(metrics.get('flexport_webhooks_verification_failed_total{reason="invalid"}')).toBe(1);
      // Counted by the worker process, read by the API process:
      expect(metrics.get('flexport_events_processed_total{category="milestone"}')).toBe(3);
      expect(metrics.get('flexport_events_processed_total{category="invoice"}')).toBe(1);
      expect(metrics.get('flexport_events_processed_total{category="unknown"}')).toBe(1);
      expect(metrics.get('flexport_events_ignored_total{type="/shipment#hyperloop_transfer_delay"}')).toBe(1);
      expect(metrics.get('flexport_events_dead_lettered_total{category="invoice"}')).toBe(1);
      expect(metrics.get('flexport_events_failed_total{category="booking"}')).toBe(0);
      expect(metrics.get('flexport_event_processing_seconds_count{category="milestone"}')).toBe(3);
      expect(metrics.get('flexport_event_processing_seconds_bucket{category="milestone",le="+Inf"}')).toBe(3);
      expect(metrics.get('flexport_event_end_to_end_seconds_count{category="booking"}')).toBe(1);
      expect(metrics.get('flexport_event_processing_seconds_sum{category="milestone"}')).toBeGreaterThan(0);
    });

    it('reports queue depths of every queue and the open dead letters', async () => {
      const metrics = parseMetrics(await (await fetch(`${stack.api.url}/metrics`)).text());
      for (const queue of [
        'milestones',
        'transit',
        'bookings',
        'purchase-orders',
        'invoices',
        'documents',
        'containers',
        'unknown-events',
        'quarantine',
        'notifications',
        'reconcile',
      ]) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) {
          expect(metrics.get(`flexport_queue_jobs{queue="${queue}",state="${state}"}`)).toEqual(expect.any(Number));
        }
      }
      expect(metrics.get('flexport_queue_jobs{queue="invoices",state="failed"}')).toBe(1);
      expect(metrics.get('flexport_dead_letters{reason="invalid_event"}')).toBe(1);
      expect(metrics.get('flexport_metrics_source_up{source="redis"}')).toBe(1);
      expect(metrics.get('flexport_metrics_source_up{source="postgres"}')).toBe(1);
    });
  });

  describe('GET /docs', () => {
    it('serves Swagger UI', async () => {
      const response = await fetch(`${stack.api.url}/docs`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('swagger-ui');
    });

    it('documents every route, the webhook with all its answers', async () => {
      const document = (await (await fetch(`${stack.api.url}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
      };
      expect(Object.keys(document.paths).sort()).toEqual(
        [
          '/webhooks/flexport',
          '/shipments',
          '/shipments/{id}',
          '/shipments/{id}/timeline',
          '/bookings/{id}',
          '/purchase-orders/{id}',
          '/invoices/{id}',
          '/documents/{id}',
          '/containers/{number}',
          '/events',
          '/events/{eventId}',
          '/admin/dead-letters',
          '/admin/dead-letters/{eventId}/replay',
          '/admin/replay',
          '/admin/replay/{runId}',
          '/admin/rebuild',
          '/admin/reconcile',
          '/admin/reconcile/{runId}',
          '/admin/rebuild/{runId}',
          '/admin/queues',
          '/health/live',
          '/health/ready',
          '/metrics',
        ].sort(),
      );
      expect(Object.keys(document.paths['/webhooks/flexport'].post.responses).sort()).toEqual(['200', '401', '413', '503']);
      expect(JSON.stringify(document.paths['/webhooks/flexport'].post.responses['200'])).toContain('WebhookQuarantined');
      expect(document.paths['/shipments/{id}'].get.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/admin/dead-letters'].get.security).toEqual([{ admin: [] }]);
      expect(document.paths['/metrics'].get.security).toEqual([{ metrics: [] }]);
      expect(Object.keys(document.paths['/shipments/{id}'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
      expect(Object.keys(document.paths['/admin/reconcile'].post.responses)).toEqual(
        expect.arrayContaining(['202', '400', '401', '409', '503']),
      );
    });
  });

  describe('logs', () => {
    beforeAll(async () => {
      const headers = { authorization: `Bearer ${E2E_SECRETS.apiToken}`, cookie: COOKIE, 'x-request-id': REQUEST_ID };
      const response = await fetch(`${stack.api.url}/shipments/SHP-104233`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(REQUEST_ID);
      const board = `Basic ${Buffer.from(`admin:${E2E_SECRETS.adminPassword}`).toString('base64')}`;
      expect(
        (await fetch(`${stack.api.url}/admin/queues`, { headers: { authorization: board, 'x-request-id': 'ops-board' } })).status,
      ).toBe(200);
      expect((await stack.client.get('/events?limit=1', `Bearer ${E2E_SECRETS.apiToken}-wrong`)).status).toBe(401);
      expect((await fetch(`${stack.api.url}/docs/openapi.json`, { headers: { 'x-request-id': 'ops-docs' } })).status).toBe(200);
      expect((await fetch(`${stack.api.url}/no-such-route`, { headers: { 'x-request-id': 'ops-unrouted' } })).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });

    it('write a request line for every route but the webhook, which writes its own, and a line for a request no route takes', () => {
      const entries = lines(stack.api.output()).map(
        (line) => JSON.parse(line) as { msg?: string; req?: { id?: string; url?: string }; reqId?: string; url?: string },
      );
      const requestLine = (id: string) => entries.filter((entry) => entry.msg === 'request completed' && entry.req?.id === id);
      expect(requestLine(REQUEST_ID)).toHaveLength(1);
      expect(requestLine('ops-board')).toHaveLength(1);
      expect(requestLine('ops-docs')).toHaveLength(1);
      // The suite delivered webhooks: each wrote its own line, none a request line.
      expect(entries.filter((entry) => entry.msg === 'webhook').length).toBeGreaterThan(0);
      expect(entries.filter((entry) => entry.msg === 'request completed' && entry.req?.url === '/webhooks/flexport')).toEqual([]);
      expect(entries).toContainEqual(expect.objectContaining({ msg: 'no such route', reqId: 'ops-unrouted', url: '/no-such-route' }));
    });

    const lines = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

    it('are one JSON object per line in both roles', () => {
      for (const service of [stack.api, stack.worker!]) {
        for (const line of lines(service.output())) expect(() => JSON.parse(line)).not.toThrow();
      }
    });

    it('never contain a secret, a token, a signature or a cookie', () => {
      const output = stack.api.output() + stack.worker!.output();
      const forbidden = [
        E2E_SECRETS.webhookSecret,
        E2E_SECRETS.apiToken,
        E2E_SECRETS.adminPassword,
        Buffer.from(`admin:${E2E_SECRETS.adminPassword}`).toString('base64'),
        'e2e-cookie-value-91d2c',
        ...sentSignatures,
      ];
      for (const value of forbidden) expect(output).not.toContain(value);
    });

    it('carry the caller-given X-Request-Id on every line of its request', () => {
      const tagged = lines(stack.api.output())
        .map((line) => JSON.parse(line) as { req?: { id?: string; url?: string }; msg?: string })
        .filter((entry) => entry.req?.id === REQUEST_ID);
      expect(tagged.map((entry) => entry.msg)).toContain('request completed');
      expect(tagged.every((entry) => entry.req?.url === '/shipments/SHP-104233')).toBe(true);
    });

    it('have one line per event handled, with its eventId', async () => {
      await waitFor(async () => (stack.worker!.output().includes('"eventId":"evt_ops_invalid"') ? true : undefined), {
        what: 'the worker line of the last event',
      });
      const handled = lines(stack.worker!.output())
        .map((line) => JSON.parse(line) as { eventId?: string; outcome?: string; context?: string })
        .filter((entry) => entry.context === 'EventPipeline' && entry.eventId);
      const byEvent = new Map<string, number>();
      for (const entry of handled) byEvent.set(entry.eventId!, (byEvent.get(entry.eventId!) ?? 0) + 1);
      expect([...byEvent.keys()].sort()).toEqual(
        [
          'evt_01JD7QK9N2W5Z8XG4M3R6T1YHV',
          '2208114',
          '2208377',
          'evt_01JD7QQ2C4E6G8J0L3N5Q7S9UW',
          'evt_01JD7QN0W4H6J8K2L5P7R9T3VX',
          '2208999',
          'evt_ops_invalid',
        ].sort(),
      );
      expect([...byEvent.values()].every((count) => count === 1)).toBe(true);
    });
  });
});

describe('operations: health and shutdown (API alone)', () => {
  let db: TestDatabase;
  let postgres: TcpProxy;
  let redis: TcpProxy;
  let api: ServiceProcess;
  let client: ApiClient;
  const prefix = uniquePrefix('health');

  beforeAll(async () => {
    db = await createTestDatabase();
    postgres = await startTcpProxy(5432);
    redis = await startTcpProxy(6379);
    const url = new URL(db.url);
    url.port = String(postgres.port);
    api = await startService(
      'api',
      {
        DATABASE_URL: url.toString(),
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        QUEUE_PREFIX: prefix,
        FLEXPORT_WEBHOOK_SECRETS: E2E_SECRETS.webhookSecret,
        API_TOKEN: E2E_SECRETS.apiToken,
        ADMIN_PASSWORD: E2E_SECRETS.adminPassword,
      },
      { startTimeoutMs: 60_000 },
    );
    client = new ApiClient(api.url);
  }, 90_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await postgres?.close();
    await redis?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  const ready = async () => {
    const response = await fetch(`${api.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, Record<string, { status: string }>> };
  };

  it('answers queued for an event still only in its queue (no worker here)', async () => {
    const { eventId } = await client.deliver(fixtureBytes('compact/container-loaded.json'));
    expect(await client.json(`/events/${eventId}`)).toMatchObject({
      eventId,
      status: 'queued',
      category: 'container',
      name: 'container_loaded',
      processedAt: null,
      source: 'webhook',
    });
  });

  it('is live and ready while Postgres and Redis answer, without auth', async () => {
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    const { status, body } = await ready();
    expect(status).toBe(200);
    expect(body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('is not ready within 5 s of Redis going away, and ready again when it is back', async () => {
    await redis.cut();
    const cutAt = Date.now();
    const down = await waitFor(
      async () => {
        const result = await ready();
        return result.status === 503 ? result : undefined;
      },
      { timeoutMs: 5000, intervalMs: 200, what: 'readiness to fail' },
    );
    expect(Date.now() - cutAt).toBeLessThan(5000);
    expect(down.body.error).toMatchObject({ redis: { status: 'down' } });
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    await redis.restore();
    await waitFor(async () => ((await ready()).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'readiness to return' });
  });

  it('is not ready within 5 s of Postgres going away', async () => {
    await postgres.cut();
    const cutAt = Date.now();
    const down = await waitFor(
      async () => {
        const result = await ready();
        return result.status === 503 ? result : undefined;
      },
      { timeoutMs: 5000, intervalMs: 200, what: 'readiness to fail' },
    );
    expect(Date.now() - cutAt).toBeLessThan(5000);
    expect(down.body.error).toMatchObject({ postgres: { status: 'down' } });
    await postgres.restore();
    await waitFor(async () => ((await ready()).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'readiness to return' });
  });
});

/**
 * A quiet API (LOG_LEVEL=warn) is spawned by hand: the start-up line startService waits for is an info
 * line. It is ready when /health/live answers.
 */
async function spawnQuietApi(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'dist/apps/api/src/main.js')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}:\n${output}`);
      return (
        (await fetch(`${url}/health/live`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined
      );
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the quiet api to listen' },
  );
  return { url, child, output: () => output };
}

describe('operations: log level and graceful shutdown (API alone, LOG_LEVEL=warn)', () => {
  let db: TestDatabase;
  let quiet: { url: string; child: ChildProcess; output: () => string };
  let client: ApiClient;
  const prefix = uniquePrefix('quiet');

  beforeAll(async () => {
    db = await createTestDatabase();
    quiet = await spawnQuietApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      FLEXPORT_WEBHOOK_SECRETS: E2E_SECRETS.webhookSecret,
      API_TOKEN: E2E_SECRETS.apiToken,
      ADMIN_PASSWORD: E2E_SECRETS.adminPassword,
    });
    client = new ApiClient(quiet.url);
  }, 90_000);

  afterAll(async () => {
    if (quiet?.child.exitCode === null) quiet.child.kill('SIGKILL');
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('logs at the configured level only: warnings yes, info lines no', async () => {
    expect((await fetch(`${quiet.url}/shipments`)).status).toBe(401);
    expect((await fetch(`${quiet.url}/health/ready`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const entries = quiet
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; req?: { url?: string } });
    expect(entries.some((entry) => entry.level === 'warn' && entry.req?.url === '/shipments')).toBe(true);
    expect(entries.filter((entry) => entry.level === 'info' || entry.level === 'debug')).toEqual([]);
  });

  it('on SIGTERM finishes the request in flight, refuses new work and exits 0', async () => {
    const body = fixtureBytes('compact/document-bill-of-lading.json');
    const half = Math.floor(body.length / 2);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        `${quiet.url}/webhooks/flexport`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            ...signatureHeaders(body, E2E_SECRETS.webhookSecret),
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.write(body.subarray(0, half));
      // The request is in flight (headers read, body incomplete) when SIGTERM arrives.
      setTimeout(() => {
        quiet.child.kill('SIGTERM');
        setTimeout(() => request.end(body.subarray(half)), 700);
      }, 500);
    });
    const exited = new Promise<number | null>((resolve) => quiet.child.once('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 800));
    // New work during shutdown is refused (503, or the listener is already closed), never half-done.
    const late = await client
      .deliver(fixtureBytes('compact/container-loaded.json'))
      .then(() => 'accepted')
      .catch((error: Error) => error.message);
    expect(late).not.toBe('accepted');

    const { status, text } = await answer;
    const answeredAt = Date.now();
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ eventId: 'evt_01JD7QR8D0F2H4K6M8P1R3T5VY', status: 'queued' });
    expect(await exited).toBe(0);
    // It does not wait for the client to drop its keep-alive socket.
    expect(Date.now() - answeredAt).toBeLessThan(3000);
    await expect(fetch(`${quiet.url}/health/live`)).rejects.toThrow();
  });
});
