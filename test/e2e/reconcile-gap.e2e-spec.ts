import { planDeliveries } from '../../tools/simulate/deliveries.js';
import { occurredWindow } from '../../tools/simulate/drops.js';
import { renderJourneys } from '../../tools/simulate/events.js';
import { expectedStateFrom } from '../../tools/simulate/expected-state.js';
import { generateJourneys } from '../../tools/simulate/journey.js';
import { sendDeliveries, SendOptions } from '../../tools/simulate/sender.js';
import { verifyWorld } from '../../tools/simulate/verifier.js';
import { ApiClient, ApiStack, E2E_SECRETS, startApiStack, waitFor } from '../support/api-stack.js';
import { FakeFlexportApi, startFakeFlexportApi } from '../support/fake-flexport-api.js';
import { ServiceProcess, startService } from '../support/service-process.js';

const FLEXPORT_TOKEN = 'e2e-gap-flexport-token-9d2f';
const SEED = 1931;

/**
 * The outage reconciliation is for: the API goes down while the worker runs on, Flexport delivers
 * nothing of a stretch of the journeys (its retries give up), the API comes back and later events
 * arrive again; one reconcile then brings the state to what the simulator expects of every event.
 */
describe('reconciliation fills the gap an outage of the API left', () => {
  let api: FakeFlexportApi;
  let stack: ApiStack;
  let restarted: ServiceProcess | undefined;

  beforeAll(async () => {
    api = await startFakeFlexportApi({ apiTokens: [FLEXPORT_TOKEN] });
    stack = await startApiStack('reconcile-gap', { env: { FLEXPORT_API_URL: api.origin, FLEXPORT_API_TOKEN: FLEXPORT_TOKEN } });
  }, 90_000);
  afterAll(async () => {
    await restarted?.stop();
    await stack?.stop();
    await api?.close();
  });

  it('after one reconcile the state matches the simulator’s expectation of every event, delivered or not', async () => {
    const events = renderJourneys(generateJourneys({ seed: SEED, shipments: 6, format: 'mixed' }));
    const deliveries = planDeliveries(events, { seed: SEED, shuffle: false, duplicates: 0.1 });
    const third = Math.floor(deliveries.length / 3);
    const [before, lost, after] = [deliveries.slice(0, third), deliveries.slice(third, 2 * third), deliveries.slice(2 * third)];
    // Flexport lists every event it delivered, or gave up delivering, to this client.
    api.addEvents(events.map((event) => JSON.parse(event.body.toString('utf8')) as Record<string, unknown>));
    const send = (url: string, part: typeof deliveries) => {
      const options: SendOptions = {
        url: `${url}/webhooks/flexport`,
        secret: E2E_SECRETS.webhookSecret,
        rate: 0,
        concurrency: 8,
        retries: 3,
        requestTimeoutMs: 10_000,
      };
      return sendDeliveries(part, options);
    };

    expect(await send(stack.api.url, before)).toMatchObject({ non2xx: 0, errors: 0 });
    expect(await stack.api.stop()).toBe(0);
    // Meanwhile Flexport's deliveries of `lost` fail until it stops retrying: none reaches the service.
    restarted = await startService('api', stack.env, { startTimeoutMs: 60_000 });
    const client = new ApiClient(restarted.url);
    expect(await send(restarted.url, after)).toMatchObject({ non2xx: 0, errors: 0 });

    const deliveredIds = new Set([...before, ...after].map((delivery) => delivery.event.eventId));
    const lostIds = new Set(lost.map((delivery) => delivery.event.eventId).filter((id) => !deliveredIds.has(id)));
    expect(lostIds.size).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const [{ n }] = await stack.db.dataSource.query(`SELECT count(*)::int AS n FROM event_log WHERE status = 'processed'`);
        return n === deliveredIds.size ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the delivered events to be processed' },
    );
    const expected = expectedStateFrom(events.map((event) => event.body)).world;
    const verify = (timeoutMs: number) =>
      verifyWorld(expected, { apiUrl: client.url, apiToken: E2E_SECRETS.apiToken, timeoutMs, pollIntervalMs: 250, concurrency: 16 });
    // The gap is real: without the lost events the state is not the journeys'.
    expect((await verify(0)).ok).toBe(false);

    const window = occurredWindow(events);
    const response = await client.post('/admin/reconcile', window);
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    const run = await waitFor(
      async () => {
        const current = await client.json<{ status: string }>(`/admin/reconcile/${runId}`);
        return current.status === 'running' ? undefined : current;
      },
      { timeoutMs: 30_000, what: 'the reconcile run' },
    );
    expect(run).toMatchObject({ status: 'succeeded', listed: events.length, alreadyKnown: deliveredIds.size, queued: lostIds.size });

    const verification = await verify(60_000);
    expect(verification.mismatches).toEqual([]);
    expect(verification).toMatchObject({ ok: true, matched: verification.entities });
    const sources = await stack.db.dataSource.query(`SELECT source, count(*)::int AS n FROM event_log GROUP BY source ORDER BY source`);
    expect(sources).toEqual([
      { source: 'reconcile', n: lostIds.size },
      { source: 'webhook', n: deliveredIds.size },
    ]);
  }, 120_000);
});
