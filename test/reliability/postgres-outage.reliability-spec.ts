import { buildEvents } from '../support/signed-events.js';
import { sleep } from '../support/processes.js';
import { exactlyOnceReport } from './support/checks.js';
import { alive, ReliabilityEnv, SECRET, Sender, statusCounts } from './support/harness.js';

const OUTAGE_MS = 20_000;
const RATE = 100;

/** GET /health/ready once; null when the API did not answer. */
async function ready(url: string): Promise<number | null> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return null;
  }
}

describe('Postgres stopped for 20 s in the middle of a load', () => {
  let env: ReliabilityEnv;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('pg-outage');
  });

  afterAll(async () => {
    await env?.destroy();
  });

  it('keeps answering 200, and processes every event once Postgres is back, with no one stepping in', async () => {
    const deployment = await env.deployment('pgdown');
    const worker = await deployment.start('worker');
    const api = await deployment.start('api');
    const events = buildEvents({ count: 3200, secret: SECRET, tag: 'pgdown', shipments: 200 });
    const ids = events.map((event) => event.eventId);

    const sender = new Sender(() => [api.url], { ratePerSecond: RATE });
    const sending = sender.send(events);
    await sleep(5000);
    await env.postgres.stop('fast');
    const downAt = Date.now();
    // Readiness must turn within 5 s of Postgres going away (README "Operating it").
    await sleep(5000);
    const readyDuringOutage = await ready(api.url);
    await sleep(OUTAGE_MS - 5000);
    const upAt = Date.now();
    await env.postgres.start();
    await sending;

    const during = sender.outcomes.filter((outcome) => outcome.at >= downAt && outcome.at < upAt);
    const answers = statusCounts(sender.outcomes);
    const finalStarted = Date.now();
    await deployment.waitForFinal(ids, 150_000);
    const report = await exactlyOnceReport(deployment, events);
    const readyAfter = await ready(api.url);
    process.stdout.write(
      `pg-outage: ${during.length} requests during the ${OUTAGE_MS / 1000} s outage, answers ${JSON.stringify(statusCounts(during))}; ` +
        `all requests ${JSON.stringify(answers)}; ready during outage ${readyDuringOutage}, after ${readyAfter}; ` +
        `all final ${((Date.now() - finalStarted) / 1000).toFixed(1)} s after the load ended; ${JSON.stringify(report.byStatus)}\n`,
    );
    if (report.notFinal.length > 0) env.markFailed();

    expect(during.length).toBeGreaterThan(RATE * 15);
    expect(answers).toEqual({ '200': events.length });
    expect(alive(worker)).toBe(true);
    expect(alive(api)).toBe(true);
    expect(report.notFinal).toEqual([]);
    expect(report.dead).toEqual([]);
    expect(report.missingMilestones).toEqual([]);
    expect(report.duplicateMilestoneRows).toBe(0);
    expect(readyDuringOutage).toBe(503);
    expect(readyAfter).toBe(200);
  });
});
