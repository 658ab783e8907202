import { listedEvents } from '../support/listed-events.js';
import { ApiClient, ApiStack, E2E_SECRETS, startApiStack, waitFor } from '../support/api-stack.js';
import { createTestDatabase, TestDatabase } from '../support/database.js';
import { FakeFlexportApi, startFakeFlexportApi } from '../support/fake-flexport-api.js';
import { deletePrefix } from '../support/redis.js';
import { ServiceProcess, startService, uniquePrefix } from '../support/service-process.js';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy.js';
import { parseMetrics } from '../support/metrics.js';

const OAUTH = { clientId: 'e2e-reconcile-client', clientSecret: 'e2e-reconcile-client-secret-3c81' };

type Run = Record<string, unknown> & { status: string; runId: string };

async function startRun(client: ApiClient, from: string, to: string): Promise<Run> {
  const response = await client.adminPost('/admin/reconcile', { from, to });
  if (response.status !== 202) throw new Error(`POST /admin/reconcile answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Run;
}

function finished(client: ApiClient, runId: string): Promise<Run> {
  return waitFor(
    async () => {
      const run = (await client.adminJson(`/admin/reconcile/${encodeURIComponent(runId)}`)) as Run;
      return run.status === 'running' ? undefined : run;
    },
    { timeoutMs: 30_000, what: `run ${runId} to finish` },
  );
}

/** The run a listing request belongs to: its window's lower bound. */
const windowOf = (url: string) => new URL(url, 'http://x').searchParams.get('f.occurred_at.gte');

describe('reconciliation of a running deployment (API and two workers, OAuth, the fake Events API)', () => {
  let api: FakeFlexportApi;
  let stack: ApiStack;
  let secondWorker: ServiceProcess;

  beforeAll(async () => {
    api = await startFakeFlexportApi({ oauthClients: [OAUTH] });
    stack = await startApiStack('reconcile', {
      env: { FLEXPORT_API_URL: api.origin, FLEXPORT_CLIENT_ID: OAUTH.clientId, FLEXPORT_CLIENT_SECRET: OAUTH.clientSecret },
    });
    secondWorker = await startService('worker', stack.env, { startTimeoutMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await secondWorker?.stop();
    await stack?.stop();
    // The last test has closed it already.
    await api?.close().catch(() => undefined);
  });

  it('reconciles a window in the background: 202 at once, then its counts; only the missing events are queued, as source reconcile', async () => {
    const events = listedEvents(5, '2026-05-01T00:00:00Z', 190_001);
    for (const event of events.slice(0, 2)) expect(await stack.client.deliver(JSON.stringify(event))).toMatchObject({ status: 'queued' });
    await stack.client.settled('190002');
    api.addEvents(events);
    const from = '2026-05-01T00:00:00Z';
    const to = '2026-05-01T01:00:00Z';
    const accepted = await startRun(stack.client, from, to);
    expect(accepted).toEqual({
      runId: expect.any(String),
      status: 'running',
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-01T01:00:00.000Z',
    });
    expect(await finished(stack.client, accepted.runId)).toMatchObject({
      runId: accepted.runId,
      status: 'succeeded',
      trigger: 'admin',
      listed: 5,
      alreadyKnown: 2,
      queued: 3,
      pages: 1,
      finishedAt: expect.any(String),
    });
    expect(await stack.client.settled('190001')).toMatchObject({ status: 'processed', source: 'webhook' });
    for (const id of ['190003', '190004', '190005']) {
      expect(await stack.client.settled(id)).toMatchObject({ status: 'processed', source: 'reconcile', attempts: 1 });
    }
  });

  it('refuses a bad window (400), the missing token (401), and an unknown run (404)', async () => {
    for (const body of [
      {},
      { from: '2026-05-01', to: '2026-05-02T00:00:00Z' },
      { from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' },
    ]) {
      const response = await stack.client.adminPost('/admin/reconcile', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', message: [expect.any(String)] });
    }
    const extra = await stack.client.adminPost('/admin/reconcile', { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z', types: [] });
    expect(extra.status).toBe(400);
    expect((await stack.client.post('/admin/reconcile', { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }, null)).status).toBe(
      401,
    );
    expect((await stack.client.get('/admin/reconcile/some-run', null)).status).toBe(401);
    const unknown = await stack.client.adminGet('/admin/reconcile/reconcile-00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('runs one at a time across the workers, and asks the OAuth token endpoint once for every run of every process', async () => {
    // Three windows of 250 events: three pages each.
    const windows = ['2026-06-01', '2026-06-02', '2026-06-03'].map((day, index) => {
      api.addEvents(listedEvents(250, `${day}T00:00:00Z`, 200_000 + index * 1000));
      return { from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.000Z` };
    });
    const accepted = await Promise.all(windows.map((window) => startRun(stack.client, window.from, window.to)));
    const runs = await Promise.all(accepted.map((run) => finished(stack.client, run.runId)));
    for (const run of runs) expect(run).toMatchObject({ status: 'succeeded', listed: 250, queued: 250, pages: 3 });
    const spans = windows.map((window) => {
      const times = api
        .listings()
        .filter((request) => windowOf(request.url) === window.from)
        .map((request) => request.at);
      return { first: Math.min(...times), last: Math.max(...times), requests: times.length };
    });
    for (const span of spans) expect(span.requests).toBe(3);
    spans.sort((a, b) => a.first - b.first);
    for (let i = 1; i < spans.length; i++) expect(spans[i].first).toBeGreaterThanOrEqual(spans[i - 1].last);
    // Both workers ran runs (each scheduled one at start, and these), yet one token served them all.
    expect(api.listings().every((request) => request.authorization?.startsWith('Bearer sim_'))).toBe(true);
    expect(api.tokenRequests).toBe(1);
  });

  it('shows the runs, the events listed and found missing, and the last success in /metrics', async () => {
    const metrics = await waitFor(async () => {
      const current = parseMetrics(await (await fetch(`${stack.api.url}/metrics`)).text());
      // Workers flush their counters every half second: wait for the last run's to arrive, then check nothing is counted twice.
      const listed = current.get('flexport_reconcile_events_listed_total{category="milestone"}') ?? 0;
      return (current.get('flexport_reconcile_runs_total{result="succeeded"}') ?? 0) >= 4 && listed >= 5 + 750 ? current : undefined;
    });
    expect(metrics.get('flexport_reconcile_events_listed_total{category="milestone"}')).toBe(5 + 750);
    expect(metrics.get('flexport_reconcile_events_missing_total{category="milestone"}')).toBe(3 + 750);
    expect(metrics.get('flexport_reconcile_runs_total{result="failed"}')).toBe(0);
    expect(metrics.get('flexport_reconcile_run_failures_total{reason="unauthorized"}')).toBe(0);
    expect(metrics.get('flexport_reconcile_last_success_timestamp_seconds')! * 1000).toBeGreaterThan(Date.now() - 120_000);
  });

  it('logs one line per run with its counts', async () => {
    const lines = [stack.worker!.output(), secondWorker.output()]
      .join('\n')
      .split('\n')
      .filter((line) => line.includes('"reconcile run succeeded"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.trigger === 'admin')).toHaveLength(4);
    expect(lines.find((line) => line.listed === 5)).toMatchObject({
      alreadyKnown: 2,
      queued: 3,
      pages: 1,
      from: '2026-05-01T00:00:00.000Z',
    });
  });

  it('stays ready while Flexport’s API is away', async () => {
    await api.close();
    const ready = await fetch(`${stack.api.url}/health/ready`);
    expect(ready.status).toBe(200);
  });
});

describe('asking for a run when it cannot be taken (API alone)', () => {
  let db: TestDatabase;
  let redis: TcpProxy;
  const started: ServiceProcess[] = [];
  const prefix = uniquePrefix('reconcile-refusals');

  async function apiWith(env: Record<string, string>): Promise<ApiClient> {
    const process = await startService(
      'api',
      {
        DATABASE_URL: db.url,
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        QUEUE_PREFIX: prefix,
        FLEXPORT_WEBHOOK_SECRETS: E2E_SECRETS.webhookSecret,
        API_TOKEN: E2E_SECRETS.apiToken,
        ADMIN_API_TOKEN: E2E_SECRETS.adminApiToken,
        ADMIN_PASSWORD: E2E_SECRETS.adminPassword,
        ...env,
      },
      { startTimeoutMs: 60_000 },
    );
    started.push(process);
    return new ApiClient(process.url);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startTcpProxy(6379);
  });
  afterAll(async () => {
    for (const process of started) await process.stop();
    await redis?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('answers 409 while reconciliation is off (no Flexport API credentials)', async () => {
    const client = await apiWith({});
    const response = await client.adminPost('/admin/reconcile', { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      error: 'reconciliation_disabled',
      message: expect.stringContaining('FLEXPORT_API_TOKEN'),
    });
  }, 60_000);

  it('answers 503 with Retry-After when Redis cannot take the run, and 202 once it is back', async () => {
    const client = await apiWith({ FLEXPORT_API_URL: 'http://127.0.0.1:9', FLEXPORT_API_TOKEN: 'e2e-flexport-token-unused' });
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' };
    await redis.cut();
    try {
      const response = await client.adminPost('/admin/reconcile', window);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ error: 'queue_unavailable' });
    } finally {
      await redis.restore();
    }
    const accepted = await waitFor(async () => {
      const response = await client.adminPost('/admin/reconcile', window);
      return response.status === 202 ? response : undefined;
    });
    expect(((await accepted.json()) as Run).status).toBe('running');
  }, 60_000);
});
