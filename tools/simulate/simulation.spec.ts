import { Logger } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { runSimulation } from './simulation.js';
import type { SimulationInput } from './options.js';
import { FakeService, FakeServiceOptions, startFakeService } from '../../test/support/fake-webhook-service.js';
import { freePort } from '../../test/support/processes.js';
import { formatSummary } from './summary.js';

const SECRET = 'whsec_simulation_test';
const TOKEN = 'simulation-test-token';

describe('runSimulation against a stand-in service', () => {
  let service: FakeService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  async function run(fake: Partial<FakeServiceOptions>, input: SimulationInput) {
    service = await startFakeService({ secret: SECRET, token: TOKEN, ...fake });
    return runSimulation({
      url: service.url,
      secret: SECRET,
      apiToken: TOKEN,
      shipments: 3,
      seed: 1234,
      progress: 'none',
      pollIntervalMs: 100,
      timeoutMs: 10_000,
      ...input,
    });
  }

  it('sends shuffled, repeated deliveries and verifies the state the service settles on', async () => {
    const summary = await run(
      { processingDelayMs: 300 },
      { format: 'mixed', shuffle: true, duplicates: 0.3, verify: true, concurrency: 8 },
    );
    expect(summary.redeliveries).toBe(Math.round(0.3 * summary.events));
    expect(summary).toMatchObject({
      sent: summary.deliveries,
      acknowledged: summary.events,
      duplicates: summary.redeliveries,
      quarantined: 0,
      non2xx: 0,
      errors: 0,
      unacknowledgedEvents: 0,
      ok: true,
    });
    expect(summary.verification).toMatchObject({ ok: true, mismatches: [] });
    expect(summary.verification!.matched).toBe(summary.verification!.entities);
    expect(summary.verification!.rounds).toBeGreaterThan(1);
  });

  it('prints every field the read API gets wrong, and fails', async () => {
    const summary = await run(
      {
        tamper: (world) => {
          world.shipments[0].status = 'arrived';
          world.shipments[0].milestones.pop();
          (world.invoices[0] as { amount: unknown }).amount = Number(world.invoices[0].amount);
          world.containers.shift();
        },
      },
      { verify: true, timeoutMs: 500 },
    );
    expect(summary.ok).toBe(false);
    const fields = summary.verification!.mismatches.map((m) => `${m.entity}.${m.field}`);
    expect(fields).toEqual(
      expect.arrayContaining(['shipment.status', 'shipment.milestones.delivered (entries)', 'invoice.amount', 'container.presence']),
    );
    expect(summary.verification!.mismatches).toHaveLength(4);
  });

  it('counts deliveries under the wrong secret as non-2xx and fails', async () => {
    service = await startFakeService({ secret: 'whsec_someone_else', token: TOKEN });
    const summary = await runSimulation({ url: service.url, secret: SECRET, shipments: 1, progress: 'none', seed: 5 });
    expect(summary).toMatchObject({ non2xx: summary.deliveries, acknowledged: 0, ok: false, statuses: { 401: summary.deliveries } });
    expect(summary.failures[0]).toMatchObject({ outcome: 'non2xx', status: 401 });
  });

  it('retries a 503 as Flexport does, and then succeeds', async () => {
    const summary = await run({ unavailableFirst: 3 }, { shipments: 1, concurrency: 1 });
    expect(summary).toMatchObject({ retries: 3, non2xx: 0, acknowledged: summary.events, ok: true });
  });

  it('stops verifying at once when the read API refuses the token', async () => {
    const summary = await run({}, { shipments: 1, verify: true, apiToken: 'wrong' });
    expect(summary.ok).toBe(false);
    expect(summary.verification).toMatchObject({ ok: false, rounds: 1, matched: 0, aborted: expect.stringContaining('401') });
  });

  it('keeps to the requested rate', async () => {
    const rate = 100;
    const summary = await run({}, { shipments: 1, rate, concurrency: 4 });
    expect(summary.ok).toBe(true);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(((summary.deliveries - 1) * 1000) / rate - 20);
    expect(summary.throughput).toBeLessThanOrEqual(rate * 1.1);
  });

  it('writes plain progress lines when the output is not a terminal', async () => {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await run({}, { shipments: 2, progress: 'auto', output });
    const lines = chunks.join('').trim().split('\n');
    expect(lines[0]).toMatch(/^simulating 2 shipments \(seed 1234\)/);
    expect(lines.filter((line) => /^sent \d+\/\d+ \(\d+%\) queued \d+ duplicate 0 failed 0/.test(line))).toHaveLength(10);
    expect(chunks.join('')).not.toContain('\u001b[');
  });

  it('posts to the webhook endpoint when --url is the base URL of a deployment', async () => {
    service = await startFakeService({ secret: SECRET, token: TOKEN });
    const summary = await runSimulation({ url: `${service.origin}/`, secret: SECRET, shipments: 1, seed: 3, progress: 'none' });
    expect(summary).toMatchObject({ url: service.url, ok: true, non2xx: 0 });
    expect(summary.acknowledged).toBe(summary.events);
  });

  it('says where the webhook endpoint is when the URL answers 404', async () => {
    service = await startFakeService({ secret: SECRET, token: TOKEN });
    const summary = await runSimulation({
      url: `${service.origin}/webhooks`,
      secret: SECRET,
      shipments: 1,
      seed: 3,
      progress: 'none',
      retries: 0,
    });
    expect(summary).toMatchObject({ ok: false, statuses: { 404: summary.deliveries } });
    expect(formatSummary(summary).join('\n')).toContain(
      `${service.origin}/webhooks answered 404: the webhook endpoint is POST <base URL>/webhooks/flexport`,
    );
  });
});

describe('runSimulation with dropped deliveries and a simulated Events API', () => {
  const ADMIN = 'simulation-admin-token';
  const FLEXPORT = 'simulation-flexport-token';
  let service: FakeService | undefined;
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  async function play(input: SimulationInput, reconcile: Partial<NonNullable<FakeServiceOptions['reconcile']>> | null = {}) {
    const port = await freePort();
    service = await startFakeService({
      secret: SECRET,
      token: TOKEN,
      reconcile:
        reconcile === null ? undefined : { apiUrl: `http://127.0.0.1:${port}`, apiToken: FLEXPORT, adminToken: ADMIN, ...reconcile },
    });
    return runSimulation({
      url: service.url,
      secret: SECRET,
      apiToken: TOKEN,
      adminToken: ADMIN,
      eventsApiPort: port,
      eventsApiToken: FLEXPORT,
      shipments: 3,
      seed: 4321,
      progress: 'none',
      pollIntervalMs: 100,
      timeoutMs: 10_000,
      ...input,
    });
  }

  it('never delivers the dropped events, has the service reconcile them, and verifies the whole journey', async () => {
    const summary = await play({ drop: 0.2, duplicates: 0.2, shuffle: true, verify: true });
    const dropped = Math.round(0.2 * summary.events);
    expect(summary.dropped).toBe(dropped);
    expect(summary).toMatchObject({ acknowledged: summary.events - dropped, non2xx: 0, errors: 0, unacknowledgedEvents: 0, ok: true });
    expect(summary.reconciliation?.outcome?.run).toMatchObject({
      status: 'succeeded',
      listed: summary.events,
      alreadyKnown: summary.events - dropped,
      queued: dropped,
    });
    expect(summary.eventsApi?.listings).toBeGreaterThanOrEqual(1);
    expect(summary.verification).toMatchObject({ ok: true, mismatches: [] });
    expect(service!.eventIds()).toHaveLength(summary.events);
  });

  it('fails the verification while the dropped events are missing: no reconciliation, no pass', async () => {
    const summary = await play({ drop: 0.2, verify: true, reconcile: false, timeoutMs: 600 });
    expect(summary.reconciliation).toBeUndefined();
    expect(summary.verification?.ok).toBe(false);
    expect(summary.ok).toBe(false);
  });

  it('says how to point the service at the simulated Events API when the service never asked it', async () => {
    const summary = await play({ drop: 0.1 }, { apiUrl: 'http://127.0.0.1:9' });
    expect(summary.ok).toBe(false);
    expect(summary.reconciliation?.problem).toContain('the service never asked this Events API');
    expect(summary.reconciliation?.problem).toContain(`FLEXPORT_API_TOKEN=${FLEXPORT}`);
  });

  it('reports a deployment without the reconcile route, and a refused admin token, in words', async () => {
    const withoutRoute = await play({ drop: 0.1 }, null);
    expect(withoutRoute.reconciliation?.problem).toMatch(/POST \/admin\/reconcile answered 404/);
    expect(withoutRoute.ok).toBe(false);
    await service!.close();
    const refused = await play({ drop: 0.1, adminToken: 'wrong' });
    expect(refused.reconciliation?.problem).toContain('refused the admin token (HTTP 401)');
  });
});
