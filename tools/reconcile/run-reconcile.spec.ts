import { Logger } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { waitFor } from '../../test/support/api-stack.js';
import { FakeFlexportApi, startFakeFlexportApi } from '../../test/support/fake-flexport-api.js';
import { FakeService, startFakeService } from '../../test/support/fake-webhook-service.js';
import { listedEvents } from '../../test/support/listed-events.js';
import { AdminApiError, AdminReconcileClient } from './admin-reconcile.client.js';
import { formatReconcileOutcome, ReconcileOptions, runReconcile } from './run-reconcile.js';

const ADMIN = 'reconcile-cli-admin-token';
const FLEXPORT = 'reconcile-cli-flexport-token';

describe('npm run reconcile against a deployment', () => {
  let api: FakeFlexportApi;
  let service: FakeService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    api = await startFakeFlexportApi({ apiTokens: [FLEXPORT] });
    api.addEvents(listedEvents(230, '2026-03-01T00:00:00Z'));
    service = await startFakeService({
      secret: 'whsec_unused',
      token: 'unused',
      reconcile: { apiUrl: api.origin, apiToken: FLEXPORT, adminToken: ADMIN },
    });
  });
  afterAll(async () => {
    await service.close();
    await api.close();
  });

  const options = (overrides: Partial<ReconcileOptions> = {}): ReconcileOptions & { lines: () => string[] } => {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    return {
      url: service.origin,
      adminToken: ADMIN,
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-01T02:00:00Z',
      wait: true,
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      progress: 'lines',
      output,
      lines: () => chunks.join('').trim().split('\n'),
      ...overrides,
    };
  };

  it('starts a run over the window, follows it to the end and sums it up', async () => {
    const run = options();
    const outcome = await runReconcile(run);
    expect(outcome).toMatchObject({ ok: true, timedOut: false });
    // 121 events a minute apart fall in two hours, both ends included; none was known before.
    expect(outcome.run).toMatchObject({ status: 'succeeded', listed: 121, alreadyKnown: 0, queued: 121, pages: 2 });
    expect(run.lines().at(-1)).toBe('reconcile succeeded: pages 2 · listed 121 · already known 0 · queued 121');
    const summary = formatReconcileOutcome(outcome);
    expect(summary[0]).toBe(`reconcile run ${outcome.accepted.runId}: occurred_at 2026-03-01T00:00:00.000Z → 2026-03-01T02:00:00.000Z`);
    expect(summary[1]).toBe('listed 121 · already known 0 · queued 121 · pages 2');
    expect(summary[2]).toMatch(/^succeeded after \d+\.\d s$/);

    const again = await runReconcile(options({ to: '2026-03-01T03:00:00Z' }));
    expect(again.run).toMatchObject({ listed: 181, alreadyKnown: 121, queued: 60 });
  });

  it('returns once the run is accepted when told not to wait', async () => {
    const outcome = await runReconcile(options({ wait: false }));
    expect(outcome).toMatchObject({ ok: true, accepted: { runId: expect.any(String), status: 'running' } });
    expect(outcome.run).toBeUndefined();
    expect(formatReconcileOutcome(outcome).at(-1)).toBe('accepted: it runs in the background');
    // It does go on in the background.
    const client = new AdminReconcileClient(service.origin, ADMIN);
    const run = await waitFor(
      async () => {
        const current = await client.run(outcome.accepted.runId);
        return current.status === 'running' ? undefined : current;
      },
      { intervalMs: 20, what: 'the background run to finish' },
    );
    expect(run.status).toBe('succeeded');
  });

  it('reports a failed run and fails', async () => {
    api.failNext({ kind: 'status', status: 403 });
    const outcome = await runReconcile(options());
    expect(outcome.ok).toBe(false);
    expect(outcome.run).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 403') });
    expect(formatReconcileOutcome(outcome).at(-1)).toMatch(/^failed after .* HTTP 403/);
  });

  it('says what to fix when the token is refused or the URL is not a deployment', async () => {
    await expect(runReconcile(options({ adminToken: 'wrong' }))).rejects.toThrow(
      new AdminApiError('POST /admin/reconcile refused the admin token (HTTP 401): check --admin-token or ADMIN_API_TOKEN', 401),
    );
    await expect(runReconcile(options({ url: `${service.origin}/nothing-here` }))).rejects.toThrow(/answered 404 .* base URL/);
    await expect(runReconcile(options({ url: 'http://127.0.0.1:9' }))).rejects.toThrow(
      /POST http:\/\/127\.0\.0\.1:9\/admin\/reconcile: .*fetch failed/,
    );
  });

  it("passes on the service's refusal of a bad window", async () => {
    await expect(runReconcile(options({ from: '2026-03-02T00:00:00Z' }))).rejects.toThrow('HTTP 400: from must be before to');
  });
});
