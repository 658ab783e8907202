import { buildEvents } from '../support/signed-events.js';
import { sleep } from '../support/processes.js';
import { exactlyOnceReport, expectedNotifications, notificationReport } from './support/checks.js';
import { ReliabilityEnv, SECRET, Sender, stateDump, statusCounts, waitUntil } from './support/harness.js';
import { NotificationSink } from './support/notification-sink.js';

const EVENTS = 2000;

describe('a worker killed with SIGKILL in the middle of 2,000 events', () => {
  let env: ReliabilityEnv;
  let sink: NotificationSink;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('worker-kill');
    sink = await NotificationSink.start();
  });

  afterAll(async () => {
    await sink?.close();
    await env?.destroy();
  });

  it('loses nothing and applies nothing twice once a new worker runs, and notifies each milestone under one key', async () => {
    const deployment = await env.deployment('crash');
    const notify = { NOTIFY_WEBHOOK_URLS: sink.url };
    const events = buildEvents({ count: EVENTS, secret: SECRET, tag: 'wkill', shipments: 120 });
    const ids = events.map((event) => event.eventId);
    const worker = await deployment.start('worker', notify);
    const api = await deployment.start('api', notify);

    // A webhook sender: a steady rate, and whatever is not answered 200 is delivered again later.
    const sender = new Sender(() => [api.url], { ratePerSecond: 250 });
    const sending = sender.send(events).then(() => sender.redeliverUnacknowledged(events, 60_000));
    const processed = async () =>
      Number((await deployment.query<{ n: string }>(`SELECT count(*) AS n FROM event_log WHERE status IN ('processed', 'ignored')`))[0].n);
    // Killed in the middle: once 30 % are processed, or half are answered if the worker lags behind.
    // The count is read in the background: on a busy machine it can take seconds, and the trigger
    // must not wait for it while the sender runs on.
    let processedSoFar = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        processedSoFar = await processed().catch(() => processedSoFar);
        await sleep(100);
      }
    })();
    const killDue = async () => sender.outcomes.length >= EVENTS / 2 || processedSoFar >= EVENTS * 0.3;
    expect(await waitUntil(killDue, 90_000, 100)).toBe(true);
    const sentAtKill = sender.outcomes.length;
    expect(await worker.stop('SIGKILL')).toBeNull();
    watching = false;
    await watcher;
    // Counted after the kill: the dead worker changes nothing.
    const killedAt = await processed();
    expect(sentAtKill).toBeLessThan(EVENTS);
    await sending;
    const answers = statusCounts(sender.outcomes);
    expect(sender.acknowledged.size).toBe(EVENTS);

    await sleep(500);
    await deployment.start('worker', notify, 'crash-worker-2');
    const started = Date.now();
    await deployment.waitForFinal(ids, 150_000);
    const recoverySeconds = (Date.now() - started) / 1000;

    const report = await exactlyOnceReport(deployment, events);
    const expected = expectedNotifications(events);
    // Notification jobs the killed worker held stay locked until BullMQ's stalled check (lock 30 s + check every 30 s).
    await waitUntil(() => notificationReport(sink, expected).missing.length === 0, 90_000, 250);
    await sleep(2000); // a repeat would come now, if at all
    const notifications = notificationReport(sink, expected);
    process.stdout.write(
      `worker-kill: killed with ${killedAt} processed and ${sentAtKill} of ${EVENTS} answered; all final ${recoverySeconds.toFixed(1)} s after the new worker started; ` +
        `answers ${JSON.stringify(answers)}; ${JSON.stringify(report.byStatus)}; notifications ${JSON.stringify({ ...notifications, missing: notifications.missing.length })}\n`,
    );
    if (report.notFinal.length > 0 || notifications.conflictingKeys.length > 0) env.markFailed();

    expect(report.notFinal).toEqual([]);
    expect(report.dead).toEqual([]);
    expect(report.missingMilestones).toEqual([]);
    expect(report.duplicateMilestoneRows).toBe(0);
    expect(report.strayMilestoneRows).toBe(0);
    expect(notifications.missing).toEqual([]);
    expect(notifications.unexpected).toEqual([]);
    expect(notifications.conflictingKeys).toEqual([]);

    // The same events through an undisturbed deployment give the same state.
    const reference = await env.deployment('reference');
    const referenceWorker = await reference.start('worker');
    const referenceApi = await reference.start('api');
    const referenceSender = new Sender(() => [referenceApi.url], { ratePerSecond: 800 });
    await referenceSender.send(events);
    await reference.waitForFinal(ids, 120_000);
    await referenceApi.stop();
    await referenceWorker.stop();
    const withoutNotifications = (dump: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(dump).filter(([table]) => !table.startsWith('notification_')));
    expect(withoutNotifications(await stateDump(deployment.databaseUrl))).toEqual(
      withoutNotifications(await stateDump(reference.databaseUrl)),
    );
  });
});
