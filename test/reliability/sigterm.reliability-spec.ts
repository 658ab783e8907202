import { buildEvents, SignedEvent } from '../support/signed-events.js';
import type { Child } from '../support/processes.js';
import { sleep } from '../support/processes.js';
import { exactlyOnceReport } from './support/checks.js';
import { Deployment, ReliabilityEnv, Role, SECRET, Sender, statusCounts } from './support/harness.js';

const EVENTS = 1200;
const RATE = 150;

describe('SIGTERM to each role during load', () => {
  let env: ReliabilityEnv;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('sigterm');
  });

  afterAll(async () => {
    await env?.destroy();
  });

  /**
   * Starts the deployment, sends EVENTS at RATE, SIGTERMs `victim` a few seconds in and starts a
   * replacement; what was not answered 200 is delivered again, as Flexport would.
   */
  async function underLoad(deployment: Deployment, victimRole: Role, events: SignedEvent[]) {
    const processes = new Map<Role, Child>();
    if (victimRole !== 'server') processes.set('worker', await deployment.start('worker'));
    processes.set(victimRole === 'server' ? 'server' : 'api', await deployment.start(victimRole === 'server' ? 'server' : 'api'));
    const intake = () => processes.get(victimRole === 'server' ? 'server' : 'api')!;
    const sender = new Sender(() => (intake() ? [intake().url] : []), { ratePerSecond: RATE });
    const sending = sender.send(events);
    await sleep(3000);
    const victim = processes.get(victimRole)!;
    const acknowledgedBefore = new Set(sender.acknowledged);
    const stopStarted = Date.now();
    const exitCode = await victim.stop('SIGTERM', 30_000);
    const stopMs = Date.now() - stopStarted;
    processes.set(victimRole, await deployment.start(victimRole, {}, `${deployment.label}-${victimRole}-2`));
    await sending;
    const firstPass = statusCounts(sender.outcomes);
    await sender.redeliverUnacknowledged(events, 60_000);
    const finalStarted = Date.now();
    await deployment.waitForFinal(
      events.map((event) => event.eventId),
      120_000,
    );
    const report = await exactlyOnceReport(deployment, events);
    process.stdout.write(
      `sigterm ${victimRole}: exit ${exitCode} after ${stopMs} ms; first pass ${JSON.stringify(firstPass)}; ` +
        `${sender.acknowledged.size}/${events.length} acknowledged after redelivery; ` +
        `all final ${((Date.now() - finalStarted) / 1000).toFixed(1)} s after the load ended; ${JSON.stringify(report.byStatus)}\n`,
    );
    if (report.notFinal.length > 0 || exitCode !== 0) env.markFailed();
    return { exitCode, report, acknowledgedBefore, acknowledged: sender.acknowledged };
  }

  it.each<[Role]>([['api'], ['worker'], ['server']])('%s: exits 0 and nothing acknowledged is lost or applied twice', async (role) => {
    const deployment = await env.deployment(`term${role}`);
    const events = buildEvents({ count: EVENTS, secret: SECRET, tag: `term-${role}`, shipments: 100 });
    const { exitCode, report, acknowledgedBefore, acknowledged } = await underLoad(deployment, role, events);

    expect(exitCode).toBe(0);
    expect(acknowledged.size).toBe(events.length);
    expect([...acknowledgedBefore].filter((id) => report.notFinal.includes(id))).toEqual([]);
    expect(report.notFinal).toEqual([]);
    expect(report.dead).toEqual([]);
    expect(report.missingMilestones).toEqual([]);
    expect(report.duplicateMilestoneRows).toBe(0);
  });
});
