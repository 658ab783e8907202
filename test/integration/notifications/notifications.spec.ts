import { getQueueToken } from '@nestjs/bullmq';
import type { TestingModule } from '@nestjs/testing';
import { Job, Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { verifySignature } from '@app/flexport';
import { EventMetrics, metricsKey } from '@app/observability';
import { deliveryKey, NotificationDeliveriesService, NotifierService, NotifyJobData, URL_NOT_CONFIGURED } from '@app/notifications';
import { JobName, QueueName } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { Redis } from 'ioredis';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';
import { shuffled } from '../projections/events.js';
import {
  fastRetries,
  milestoneEvent,
  queueEvents,
  SIGNING_SECRET,
  Sink,
  SinkRequest,
  sleep,
  startSink,
  startWorker,
  v2LegEvent,
  waitFor,
  WorkerOptions,
} from './harness.js';

interface Posted {
  shipmentId: string;
  milestone: string;
  occurredAt: string;
  location: { name: string | null; country: string | null } | null;
}

const posted = (request: SinkRequest): Posted => JSON.parse(request.body.toString('utf8')) as Posted;

describe('milestone notifications (Postgres, Redis, HTTP sink)', () => {
  let db: TestDatabase;
  let sink: Sink;
  const workers: TestingModule[] = [];
  const prefixes: string[] = [];

  const worker = async (options: Omit<WorkerOptions, 'databaseUrl' | 'prefix'> & { prefix?: string }) => {
    const prefix = options.prefix ?? uniquePrefix('notify');
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    const started = await startWorker({ databaseUrl: db.url, ...options, prefix });
    workers.push(started);
    return started;
  };
  const rows = async <T>(sql: string, parameters: unknown[] = []) => (await db.dataSource.query(sql, parameters)) as T[];
  const deliveries = (shipmentPrefix: string) =>
    rows<{
      idempotency_key: string;
      shipment_id: string;
      milestone: string;
      url: string;
      status: string;
      attempts: number;
      last_error: string | null;
      dead_at: Date | null;
    }>(`SELECT * FROM notification_deliveries WHERE shipment_id LIKE $1 ORDER BY shipment_id, milestone, url`, [`${shipmentPrefix}%`]);
  const countWhere = async (sql: string, parameters: unknown[]) => Number((await rows<{ n: string }>(sql, parameters))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  beforeEach(async () => {
    sink = await startSink();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await sink.close();
  });
  afterAll(async () => {
    await Promise.all(prefixes.map((prefix) => deletePrefix(prefix)));
    await db?.drop();
  });

  it('POSTs once per (shipment, milestone, URL) under duplicated, shuffled input handled by two workers', async () => {
    const urls = [sink.url('/a'), sink.url('/b')];
    const prefix = uniquePrefix('notify');
    const [first] = [await worker({ urls, prefix }), await worker({ urls, prefix })];
    const shipments = ['DUP-1', 'DUP-2', 'DUP-3', 'DUP-4'];
    const events = shipments.flatMap((shipment, s) => [
      milestoneEvent(`${shipment}-ready`, shipment, 'cargo_ready', `2026-03-0${s + 1}T00:00:00Z`),
      milestoneEvent(`${shipment}-dep-a`, shipment, 'departed', `2026-03-0${s + 1}T06:00:00Z`, { name: 'Yantian', country: 'CN' }),
      // a second departure (another leg) is a different event for the same milestone
      milestoneEvent(`${shipment}-dep-b`, shipment, 'departed', `2026-03-0${s + 2}T06:00:00Z`, { name: 'Busan', country: 'KR' }),
      milestoneEvent(`${shipment}-arr`, shipment, 'arrived', `2026-03-2${s}T06:00:00Z`),
      milestoneEvent(`${shipment}-customs`, shipment, 'customs_cleared', `2026-03-2${s}T09:00:00Z`),
      milestoneEvent(`${shipment}-del`, shipment, 'delivered', `2026-03-2${s}T18:00:00Z`, { name: 'Oakland DC', country: 'US' }),
    ]);
    // v2: two /shipment_leg#departed for different legs of shipment 104233, then its arrival
    events.push(
      v2LegEvent(2208114, '/shipment_leg#departed', 104233, 9120044, '2026-03-02T06:40:00.000Z', 'Port of Yantian'),
      v2LegEvent(2208190, '/shipment_leg#departed', 104233, 9120045, '2026-03-05T01:00:00.000Z', 'Port of Busan'),
      v2LegEvent(2209001, '/shipment_leg#arrived', 104233, 9120045, '2026-03-21T22:00:00.000Z', 'Port of Oakland'),
    );
    const deliveriesExpected = (shipments.length * 3 + 2) * urls.length;
    await queueEvents(first, shuffled([...events, ...events, ...events.filter((_, i) => i % 3 === 0)], 17));

    await waitFor(
      async () =>
        (await countWhere(`SELECT count(*) AS n FROM notification_deliveries WHERE status = 'delivered'`, [])) === deliveriesExpected,
      30_000,
      'every delivery to be recorded',
    );
    await waitFor(
      async () => (await countWhere(`SELECT count(*) AS n FROM event_log WHERE status = 'processed'`, [])) === events.length,
      10_000,
      'every event to be processed',
    );
    await sleep(1000); // several sweeps by both relays, and time for any duplicate to arrive

    expect(sink.requests).toHaveLength(deliveriesExpected);
    const seen = new Map<string, number>();
    for (const request of sink.requests) {
      const body = posted(request);
      const target = `${body.shipmentId}|${body.milestone}|${request.path}`;
      seen.set(target, (seen.get(target) ?? 0) + 1);
      expect(['departed', 'arrived', 'delivered']).toContain(body.milestone);
      expect(verifySignature(request.body, request.headers, [SIGNING_SECRET])).toBe(true);
      expect(request.headers['idempotency-key']).toBe(deliveryKey(body.shipmentId, body.milestone, sink.url(request.path)));
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(deliveriesExpected);

    // the payload is the milestone as first recorded: the outbox's event, one of the candidates
    const outbox = await rows<{ shipment_id: string; milestone: string; event_id: string; occurred_at: Date; location: unknown }>(
      `SELECT o.shipment_id, o.milestone, o.event_id, m.occurred_at, m.location
         FROM notification_outbox o JOIN shipment_milestones m ON m.shipment_id = o.shipment_id AND m.event_id = o.event_id`,
    );
    expect(outbox).toHaveLength(shipments.length * 3 + 2);
    for (const row of outbox) {
      for (const request of sink.requests.filter(
        (r) => posted(r).shipmentId === row.shipment_id && posted(r).milestone === row.milestone,
      )) {
        expect(posted(request)).toEqual({
          shipmentId: row.shipment_id,
          milestone: row.milestone,
          occurredAt: row.occurred_at.toISOString(),
          location: row.location,
        });
      }
    }
    const v2 = sink.requests.find((r) => posted(r).shipmentId === '104233' && posted(r).milestone === 'departed');
    expect(['Port of Yantian', 'Port of Busan']).toContain(posted(v2!).location?.name);

    // one job per delivery, however many relays ran over the rows
    const queue = first.get<Queue>(getQueueToken(QueueName.Notifications));
    const counts = await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active');
    expect(counts).toEqual({ completed: deliveriesExpected, failed: 0, delayed: 0, waiting: 0, active: 0 });
    expect((await deliveries('DUP-')).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  }, 60_000);

  it('sends nothing for cargo_ready, customs_cleared, dead-lettered or ignored events', async () => {
    const w = await worker({ urls: [sink.url('/quiet')] });
    await queueEvents(w, [
      milestoneEvent('QUIET-ready', 'QUIET-1', 'cargo_ready', '2026-04-01T00:00:00Z'),
      milestoneEvent('QUIET-customs', 'QUIET-1', 'customs_cleared', '2026-04-02T00:00:00Z'),
      v2LegEvent(3300001, '/shipment#customs_entry_release_status_released', 3300, 1, '2026-04-02T00:00:00Z', 'Oakland'),
      // fails validation: dead-lettered at once, never recorded
      milestoneEvent('QUIET-bad-date', 'QUIET-2', 'departed', 'not a date'),
      // a type the catalogue does not know: kept as ignored
      v2LegEvent(3300002, '/shipment_leg#teleported', 3301, 1, '2026-04-03T00:00:00Z', 'Nowhere'),
      // the control: proves the pipeline and the notifier were running
      milestoneEvent('QUIET-control', 'QUIET-3', 'arrived', '2026-04-04T00:00:00Z'),
    ]);
    await waitFor(() => sink.requests.length >= 1, 15_000, 'the control notification');
    await waitFor(
      async () =>
        (await countWhere(
          `SELECT count(*) AS n FROM event_log WHERE (event_id LIKE 'QUIET-%' OR event_id LIKE '33000%') AND status IN ('processed', 'dead', 'ignored')`,
          [],
        )) === 6,
      10_000,
      'every event to be settled',
    );
    await sleep(800);
    expect(await rows(`SELECT event_id, status FROM event_log WHERE event_id IN ('QUIET-bad-date', '3300002') ORDER BY event_id`)).toEqual([
      { event_id: '3300002', status: 'ignored' },
      { event_id: 'QUIET-bad-date', status: 'dead' },
    ]);
    expect(sink.requests.map((r) => posted(r))).toEqual([
      { shipmentId: 'QUIET-3', milestone: 'arrived', occurredAt: '2026-04-04T00:00:00.000Z', location: null },
    ]);
    expect(
      await rows(`SELECT shipment_id, milestone FROM notification_outbox WHERE shipment_id IN ('QUIET-1', 'QUIET-2', '3300', '3301')`),
    ).toEqual([]);
  });

  it('a receiver that fails its first attempts gets exactly one accepted POST, signed, with the same Idempotency-Key every time', async () => {
    const answers: Array<number | 'hang' | 'reset'> = [503, 'reset', 'hang', 200];
    sink.behaviour = (_path, n) => answers[n - 1] ?? 200;
    const url = sink.url('/flaky');
    const w = await worker({ urls: [url], jobOptions: fastRetries(6) });
    await queueEvents(w, [milestoneEvent('FLAKY-dep', 'FLAKY-1', 'departed', '2026-05-01T10:00:00Z', { name: 'Yantian', country: 'CN' })]);

    await waitFor(() => sink.accepted().length === 1, 20_000, 'an accepted POST');
    await sleep(500);
    expect(sink.requests.map((r) => r.status)).toEqual([503, null, null, 200]);
    expect(sink.accepted()).toHaveLength(1);
    const key = deliveryKey('FLAKY-1', 'departed', url);
    for (const request of sink.requests) {
      expect(request.headers['idempotency-key']).toBe(key);
      expect(verifySignature(request.body, request.headers, [SIGNING_SECRET])).toBe(true);
      expect(verifySignature(request.body, request.headers, ['another secret'])).toBe(false);
      expect(request.body.equals(sink.requests[0].body)).toBe(true);
      // The Standard Webhooks headers, as a receiver using the standardwebhooks library checks them.
      const standard = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(request.headers[h])]),
      );
      expect(new Webhook(SIGNING_SECRET).verify(request.body.toString('utf8'), standard)).toEqual(posted(request));
      expect(standard['webhook-id']).toBe(key);
      expect(Math.abs(Number(standard['webhook-timestamp']) - request.at / 1000)).toBeLessThan(5);
    }
    const [row] = await deliveries('FLAKY-');
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, last_error: null });
  });

  it('drops a job naming a URL that is not configured, never sending it, with a metric; a configured one is sent', async () => {
    const configured = sink.url('/configured');
    const w = await worker({ urls: [configured] });
    await queueEvents(w, [milestoneEvent('DROP-dep', 'DROP-1', 'departed', '2026-05-03T10:00:00Z')]);
    await waitFor(() => sink.accepted('/configured').length === 1, 20_000, 'the configured URL to be notified');

    // As if added through the board, or queued before the URL was removed: a valid job for another URL.
    const elsewhere = sink.url('/elsewhere');
    const data: NotifyJobData = {
      deliveryKey: deliveryKey('DROP-1', 'departed', elsewhere),
      shipmentId: 'DROP-1',
      milestone: 'departed',
      url: elsewhere,
    };
    const queue = w.get<Queue>(getQueueToken(QueueName.Notifications));
    const job = await queue.add(JobName.Notify, data, { jobId: 'notify-forged-elsewhere' });
    await waitFor(async () => (await Job.fromId(queue, job.id!))?.finishedOn !== undefined, 20_000, 'the forged job to finish');
    expect((await Job.fromId(queue, job.id!))?.returnvalue).toEqual({ kind: 'dropped', reason: 'url_not_configured' });
    await sleep(300);
    expect(sink.requests.filter((r) => r.path === '/elsewhere')).toEqual([]);
    expect((await deliveries('DROP-')).map((row) => row.url)).toEqual([configured]);

    await w.get(EventMetrics).flush();
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const prefix = prefixes[prefixes.length - 1];
      expect(await redis.hget(metricsKey(prefix), 'c|notification_dropped|url_not_configured')).toBe('1');
    } finally {
      redis.disconnect();
    }
  });

  it('marks a queued delivery whose URL was removed from the configuration dead, unsent', async () => {
    const kept = sink.url('/kept');
    const removed = sink.url('/removed');
    const prefix = uniquePrefix('notify');
    // The relay of a worker that still had both URLs queued both deliveries, then stopped before sending.
    const before = await worker({ prefix, urls: [kept, removed], concurrency: 1 });
    await (before.get(getQueueToken(QueueName.Notifications)) as Queue).pause();
    await queueEvents(before, [milestoneEvent('GONE-dep', 'GONE-1', 'departed', '2026-05-04T10:00:00Z')]);
    await waitFor(async () => (await deliveries('GONE-')).length === 2, 20_000, 'both deliveries to be relayed');
    await before.close();
    workers.splice(workers.indexOf(before), 1);

    const after = await worker({ prefix, urls: [kept] });
    await (after.get(getQueueToken(QueueName.Notifications)) as Queue).resume();
    await waitFor(
      async () => (await deliveries('GONE-')).every((row) => row.status === 'delivered' || row.status === 'dead'),
      20_000,
      'both deliveries to settle',
    );
    expect(sink.requests.map((r) => r.path)).toEqual(['/kept']);
    const rowsByUrl = Object.fromEntries((await deliveries('GONE-')).map((row) => [row.url, row]));
    expect(rowsByUrl[kept]).toMatchObject({ status: 'delivered' });
    expect(rowsByUrl[removed]).toMatchObject({ status: 'dead', last_error: URL_NOT_CONFIGURED });
  });

  it('does not follow a redirect: the POST never reaches where it points, and the delivery is retried', async () => {
    sink.behaviour = (path) => (path === '/moved' ? 307 : 200);
    const w = await worker({ urls: [sink.url('/moved')], jobOptions: fastRetries(2) });
    await queueEvents(w, [milestoneEvent('MOVED-dep', 'MOVED-1', 'departed', '2026-05-05T10:00:00Z')]);
    await waitFor(async () => (await deliveries('MOVED-'))[0]?.status === 'dead', 20_000, 'the redirected delivery to go dead');
    expect(sink.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/moved 307', '/moved 307']);
    expect((await deliveries('MOVED-'))[0].last_error).toMatch(/HTTP 307/);
  });

  it('with two URLs where one always fails, the other gets its POST promptly and once; the failing one goes dead and a replay delivers it once', async () => {
    let badAnswers = 500;
    sink.behaviour = (path) => (path === '/bad' ? badAnswers : 200);
    const good = sink.url('/good');
    const bad = sink.url('/bad');
    // no sweep within the test: the relay that runs right after the milestone's commit must do it
    const prefix = uniquePrefix('notify');
    const w = await worker({ urls: [bad, good], jobOptions: fastRetries(3, 200), relay: { sweepIntervalMs: 60_000 }, prefix });
    const queuedAt = Date.now();
    await queueEvents(w, [milestoneEvent('SPLIT-del', 'SPLIT-1', 'delivered', '2026-06-01T10:00:00Z')]);

    await waitFor(() => sink.accepted('/good').length === 1, 5000, 'the good URL');
    expect(sink.accepted('/good')[0].at - queuedAt).toBeLessThan(3000);
    await waitFor(async () => (await deliveries('SPLIT-')).some((d) => d.status === 'dead'), 15_000, 'the bad URL to go dead');
    await sleep(500);
    expect(sink.requests.filter((r) => r.path === '/good')).toHaveLength(1);
    expect(sink.requests.filter((r) => r.path === '/bad').map((r) => r.status)).toEqual([500, 500, 500]);
    const dead = (await deliveries('SPLIT-')).find((d) => d.url === bad)!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, last_error: 'HTTP 500 Internal Server Error' });
    expect(dead.dead_at).toBeInstanceOf(Date);

    badAnswers = 200;
    const admin = w.get(NotificationDeliveriesService);
    expect((await admin.list({ status: 'dead' })).map((d) => d.idempotencyKey)).toContain(dead.idempotency_key);
    expect(await admin.replay(dead.idempotency_key)).toMatchObject({ outcome: 'requeued' });
    await waitFor(() => sink.accepted('/bad').length === 1, 10_000, 'the replayed delivery');
    await sleep(500);
    expect(sink.requests.filter((r) => r.path === '/bad').map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(sink.requests.filter((r) => r.path === '/bad').map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(sink.requests.filter((r) => r.path === '/good')).toHaveLength(1);
    expect((await deliveries('SPLIT-')).find((d) => d.url === bad)).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(await admin.replay(dead.idempotency_key)).toEqual({ outcome: 'delivered' });

    // The counters the alert rules read (flexport_notifications_*_total), in the shared metrics hash.
    const metrics = new Redis(TEST_REDIS_URL);
    try {
      const counters = async () => {
        const hash = await metrics.hgetall(`${prefix}:metrics`);
        return {
          delivered: hash['c|notifications_delivered|delivered'],
          failed: hash['c|notifications_failed|delivered'],
          dead: hash['c|notifications_dead|delivered'],
        };
      };
      await waitFor(async () => (await counters()).delivered === '2', 5000, 'the notification counters');
      expect(await counters()).toEqual({ delivered: '2', failed: '3', dead: '1' });
    } finally {
      metrics.disconnect();
    }
  });

  it('the sweep relays outbox rows no relay took, and re-relaying a delivered row sends nothing', async () => {
    // written by a process that died before relaying (or by another process)
    await rows(
      `INSERT INTO notification_outbox (shipment_id, milestone, event_id, occurred_at, location)
       VALUES ('SWEEP-1', 'arrived', 'evt-sweep', '2026-07-01T00:00:00Z', '{"name": "Oakland", "country": "US"}')`,
    );
    const url = sink.url('/sweep');
    const w = await worker({ urls: [url], relay: { sweepIntervalMs: 300 } });
    await waitFor(() => sink.requests.length === 1, 5000, 'the swept notification');
    expect(posted(sink.requests[0])).toEqual({
      shipmentId: 'SWEEP-1',
      milestone: 'arrived',
      occurredAt: '2026-07-01T00:00:00.000Z',
      location: { name: 'Oakland', country: 'US' },
    });
    await waitFor(async () => (await deliveries('SWEEP-'))[0]?.status === 'delivered', 5000, 'the delivery to be recorded');

    // a relay that crashed after queueing but before marking the row: the next sweep queues it again
    await rows(`UPDATE notification_outbox SET relayed_at = NULL WHERE shipment_id = 'SWEEP-1'`);
    await waitFor(
      async () => (await rows(`SELECT 1 FROM notification_outbox WHERE shipment_id = 'SWEEP-1' AND relayed_at IS NOT NULL`)).length === 1,
    );
    await sleep(800);
    expect(sink.requests).toHaveLength(1);
    expect(await deliveries('SWEEP-')).toMatchObject([{ status: 'delivered', attempts: 1 }]);
    const queue = w.get<Queue>(getQueueToken(QueueName.Notifications));
    expect(await queue.getJobCounts('completed', 'waiting', 'delayed')).toEqual({ completed: 1, waiting: 0, delayed: 0 });
  });

  it('after a crash between sending and recording, the resend carries the same Idempotency-Key; a live lease is waited for', async () => {
    const url = sink.url('/crash');
    const w = await worker({ urls: [url] });
    await queueEvents(w, [milestoneEvent('CRASH-dep', 'CRASH-1', 'departed', '2026-08-01T00:00:00Z')]);
    await waitFor(async () => (await deliveries('CRASH-'))[0]?.status === 'delivered', 10_000, 'the first delivery');
    const key = deliveryKey('CRASH-1', 'departed', url);
    const notifier = w.get(NotifierService);
    const job = { deliveryKey: key, shipmentId: 'CRASH-1', milestone: 'departed' as const, url };

    // delivered: a redelivered job skips it
    expect(await notifier.deliver(job, { leaseToken: 'again', finalAttempt: false })).toEqual({ kind: 'skipped', status: 'delivered' });
    // another job is sending right now: wait for its lease, do not send
    await rows(
      `UPDATE notification_deliveries SET status = 'sending', lease_until = now() + interval '1 minute' WHERE idempotency_key = $1`,
      [key],
    );
    expect(await notifier.deliver(job, { leaseToken: 'other', finalAttempt: false })).toMatchObject({ kind: 'busy' });
    expect(sink.requests).toHaveLength(1);
    // the sender died after the POST and before recording it: once its lease is over, send again
    await rows(`UPDATE notification_deliveries SET lease_until = now() - interval '1 second' WHERE idempotency_key = $1`, [key]);
    expect(await notifier.deliver(job, { leaseToken: 'retry', finalAttempt: false })).toEqual({ kind: 'delivered', statusCode: 200 });
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests.map((r) => r.headers['idempotency-key'])).toEqual([key, key]);
    expect(sink.requests[1].body.equals(sink.requests[0].body)).toBe(true);
  });
});
