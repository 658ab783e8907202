import { buildEvents, prng, SignedEvent } from '../support/signed-events.js';
import { exactlyOnceReport } from './support/checks.js';
import type { Child } from '../support/processes.js';
import { Deployment, ReliabilityEnv, SECRET, Sender, shuffled, stateDump } from './support/harness.js';

const DISTINCT = 1500;

describe('two API and two worker processes on one Redis and Postgres', () => {
  let env: ReliabilityEnv;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('scale-out');
  });

  afterAll(async () => {
    await env?.destroy();
  });

  async function run(deployment: Deployment, apis: number, workers: number, deliveries: SignedEvent[]) {
    for (let i = 0; i < workers; i++) await deployment.start('worker', {}, `${deployment.label}-worker-${i + 1}`);
    const intakes: Child[] = [];
    for (let i = 0; i < apis; i++) intakes.push(await deployment.start('api', {}, `${deployment.label}-api-${i + 1}`));
    const sender = new Sender(() => intakes.map((api) => api.url), { ratePerSecond: 200 });
    await sender.send(deliveries);
    await sender.redeliverUnacknowledged(deliveries, 60_000);
    const ids = [...new Set(deliveries.map((event) => event.eventId))];
    await deployment.waitForFinal(ids, 120_000);
    return sender;
  }

  it('ends in the same state as one of each, whatever the order and the redeliveries', async () => {
    const events = buildEvents({ count: DISTINCT, secret: SECRET, tag: 'scale', shipments: 60 });
    const random = prng(42);
    // Flexport redelivers: a fifth of the events arrive twice, in another order for each deployment.
    const redeliveries = events.filter(() => random() < 0.2);
    const pair = await env.deployment('pair');
    const single = await env.deployment('single');
    await run(pair, 2, 2, shuffled([...events, ...redeliveries], random));
    await run(single, 1, 1, shuffled([...events, ...redeliveries], random));

    const pairReport = await exactlyOnceReport(pair, events);
    const singleReport = await exactlyOnceReport(single, events);
    const [pairState, singleState] = [await stateDump(pair.databaseUrl), await stateDump(single.databaseUrl)];
    const differing = Object.keys({ ...pairState, ...singleState }).filter(
      (table) => JSON.stringify(pairState[table]) !== JSON.stringify(singleState[table]),
    );
    process.stdout.write(
      `scale-out: ${DISTINCT} events + ${redeliveries.length} redeliveries; 2+2 ${JSON.stringify(pairReport.byStatus)}, ` +
        `1+1 ${JSON.stringify(singleReport.byStatus)}; tables compared ${Object.keys(pairState).length}, ` +
        `rows ${Object.values(pairState).reduce((n, rows) => n + rows.length, 0)}; differing ${JSON.stringify(differing)}\n`,
    );
    if (differing.length > 0) env.markFailed();

    expect(pairReport.notFinal).toEqual([]);
    expect(singleReport.notFinal).toEqual([]);
    expect(pairReport.duplicateMilestoneRows).toBe(0);
    expect(pairState).toEqual(singleState);
  });
});
