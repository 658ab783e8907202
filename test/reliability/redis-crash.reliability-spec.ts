import { buildEvents } from '../support/signed-events.js';
import { sleep } from '../support/processes.js';
import { exactlyOnceReport } from './support/checks.js';
import { alive, ReliabilityEnv, SECRET, Sender, statusCounts } from './support/harness.js';

const DOWN_MS = 8000;

describe('Redis killed with SIGKILL', () => {
  let env: ReliabilityEnv;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('redis-kill');
  });

  afterAll(async () => {
    await env?.destroy();
  });

  it('answers 503 within 2 s while Redis is down, never hangs, and processes every event it answered 200 once Redis is back on its AOF', async () => {
    const deployment = await env.deployment('redisdown');
    const worker = await deployment.start('worker');
    const api = await deployment.start('api');
    const events = buildEvents({ count: 2000, secret: SECRET, tag: 'rkill', shipments: 150 });
    const ids = events.map((event) => event.eventId);

    const sender = new Sender(() => [api.url], { ratePerSecond: 100, timeoutMs: 10_000 });
    const sending = sender.send(events);
    await sleep(4000);
    await env.redis.kill('SIGKILL');
    const downAt = Date.now();
    // Acknowledged before the crash: these must survive it (appendfsync always).
    const acknowledgedBeforeCrash = new Set(sender.acknowledged);
    await sleep(DOWN_MS);
    const upAt = Date.now();
    await env.redis.start();
    await sending;
    const firstPass = statusCounts(sender.outcomes);
    // Flexport retries what was not answered 200.
    await sender.redeliverUnacknowledged(events, 60_000);

    // Requests sent while Redis was certainly down (after the in-flight ones drained, before the restart).
    const during = sender.outcomes.filter((outcome) => outcome.at >= downAt + 1000 && outcome.at + outcome.ms < upAt);
    const slowest = Math.max(...during.map((outcome) => outcome.ms));
    const unanswered = sender.outcomes.filter((outcome) => outcome.status === null);
    const finalStarted = Date.now();
    await deployment.waitForFinal(ids, 150_000);
    const report = await exactlyOnceReport(deployment, events);
    process.stdout.write(
      `redis-kill: ${acknowledgedBeforeCrash.size} acknowledged before the kill; ${during.length} requests while down, ` +
        `answers ${JSON.stringify(statusCounts(during))}, slowest ${slowest} ms; first pass ${JSON.stringify(firstPass)}; ` +
        `after redelivery ${sender.acknowledged.size}/${events.length} acknowledged; ` +
        `all final ${((Date.now() - finalStarted) / 1000).toFixed(1)} s after the load ended; ${JSON.stringify(report.byStatus)}\n`,
    );
    if (report.notFinal.length > 0) env.markFailed();

    expect(during.length).toBeGreaterThan(DOWN_MS / 10 / 2);
    expect(during.every((outcome) => outcome.status === 503)).toBe(true);
    expect(slowest).toBeLessThanOrEqual(2000);
    expect(unanswered).toEqual([]);
    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);
    expect(sender.acknowledged.size).toBe(events.length);
    expect([...acknowledgedBeforeCrash].filter((id) => report.notFinal.includes(id))).toEqual([]);
    expect(report.notFinal).toEqual([]);
    expect(report.dead).toEqual([]);
    expect(report.missingMilestones).toEqual([]);
    expect(report.duplicateMilestoneRows).toBe(0);
  });
});
