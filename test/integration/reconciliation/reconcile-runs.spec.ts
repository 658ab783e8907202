import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { EventCategory, normalizeEvent, parseEnvelope } from '@app/flexport';
import { IntakeService } from '@app/intake';
import { counterField, EventCounter, gaugeField, metricsKey, ServiceGauge } from '@app/observability';
import { QueueName } from '@app/queue';
import { RECONCILE_SCHEDULER_ID, ReconcileRuns } from '@app/reconciliation';
import { occurredWindow } from '../../../tools/simulate/drops.js';
import { renderJourneys, SimEvent } from '../../../tools/simulate/events.js';
import { generateJourneys } from '../../../tools/simulate/journey.js';
import { NotificationSink } from '../../reliability/support/notification-sink.js';
import { waitFor } from '../../support/api-stack.js';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { FakeFlexportApi, startFakeFlexportApi } from '../../support/fake-flexport-api.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';
import { FLEXPORT_TOKEN, finishedRun, firstScheduledRunDone, startReconcilingWorker } from './harness.js';

const NOTIFIED = new Set(['departed', 'arrived', 'delivered']);
const listed = (event: SimEvent) => JSON.parse(event.body.toString('utf8')) as Record<string, unknown>;

/** (shipment, milestone) pairs the events call for a notification of: the first departed, arrived, delivered of each shipment. */
function expectedNotifications(events: readonly SimEvent[]): Set<string> {
  const pairs = new Set<string>();
  for (const event of events) {
    const parsed = parseEnvelope(event.body);
    if (!parsed.ok) continue;
    const normalized = normalizeEvent(parsed.envelope, event.eventId, event.createdAt);
    if (normalized.facts.category === EventCategory.Milestone && NOTIFIED.has(normalized.facts.milestone)) {
      pairs.add(`${normalized.facts.shipmentId}|${normalized.facts.milestone}`);
    }
  }
  return pairs;
}

describe('reconciliation runs in the worker (Flexport Events API fake, Postgres, Redis)', () => {
  let db: TestDatabase;
  let api: FakeFlexportApi;
  let sink: NotificationSink;
  let redis: Redis;
  const workers: TestingModule[] = [];
  const prefixes: string[] = [];

  async function worker({
    settle = true,
    ...options
  }: {
    prefix: string;
    credentials?: Record<string, string> | null;
    env?: Record<string, string>;
    /** Wait for the run the schedule starts at once (it lists nothing: every test's events are older than the lookback). */
    settle?: boolean;
  }) {
    const started = await startReconcilingWorker({ databaseUrl: db.url, apiUrl: api.origin, notifyUrls: [sink.url], ...options });
    workers.push(started);
    if (settle) await firstScheduledRunDone(started);
    return started;
  }
  const prefix = (label: string) => {
    const value = uniquePrefix(label);
    prefixes.push(value);
    return value;
  };
  const eventLog = async (ids: readonly string[]) =>
    (await db.dataSource.query(
      'SELECT event_id, status, attempts, source FROM event_log WHERE event_id = ANY($1::text[]) ORDER BY event_id',
      [ids],
    )) as { event_id: string; status: string; attempts: number; source: string }[];
  const allProcessed = (ids: readonly string[]) =>
    waitFor(
      async () => {
        const rows = await eventLog(ids);
        return rows.length === ids.length && rows.every((row) => row.status === 'processed') ? rows : undefined;
      },
      { timeoutMs: 30_000, what: `${ids.length} events to be processed` },
    );
  /** Every notification the outbox holds has been sent. */
  const notificationsSettled = () =>
    waitFor(
      async () => {
        const [row] = await db.dataSource.query(
          `SELECT (SELECT count(*) FROM notification_outbox WHERE relayed_at IS NULL)::int AS unrelayed,
                  (SELECT count(*) FROM notification_deliveries WHERE status <> 'delivered')::int AS unsent`,
        );
        return row.unrelayed === 0 && row.unsent === 0 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'notifications to be sent' },
    );

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    api = await startFakeFlexportApi({ apiTokens: [FLEXPORT_TOKEN] });
    sink = await NotificationSink.start();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const started of workers) await started.close();
    await api?.close();
    await sink?.close();
    redis?.disconnect();
    await db?.drop();
    for (const value of prefixes) await deletePrefix(value);
  });

  describe('a window where some events were already delivered by webhook', () => {
    const events = renderJourneys(generateJourneys({ seed: 1919, shipments: 4, format: 'mixed' }));
    const delivered = events.filter((_, index) => index % 3 !== 0);
    const missing = events.filter((_, index) => index % 3 === 0);
    const window = occurredWindow(events);
    const label = prefix('reconcile-gap');
    let app: TestingModule;

    beforeAll(async () => {
      app = await worker({ prefix: label });
      const intake = app.get(IntakeService, { strict: false });
      for (const event of delivered) expect(await intake.accept(event.body, 'application/json')).toMatchObject({ status: 'queued' });
      await allProcessed(delivered.map((event) => event.eventId));
      await notificationsSettled();
      api.addEvents(events.map(listed));
    });

    it('queues only the missing events, with source reconcile; every event is processed once and notified once', async () => {
      const notifiedBefore = sink.received.length;
      expect(notifiedBefore).toBeGreaterThan(0);
      const { runId } = await app.get(ReconcileRuns).start({ from: new Date(window.from), to: new Date(window.to) });
      expect(await finishedRun(app, runId)).toMatchObject({
        status: 'succeeded',
        trigger: 'admin',
        from: window.from,
        to: window.to,
        listed: events.length,
        alreadyKnown: delivered.length,
        queued: missing.length,
        quarantined: 0,
        pages: Math.ceil(events.length / 100),
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      const rows = await allProcessed(events.map((event) => event.eventId));
      const missingIds = new Set(missing.map((event) => event.eventId));
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'processed', attempts: 1, source: missingIds.has(row.event_id) ? 'reconcile' : 'webhook' });
      }
      await notificationsSettled();
      const notifications = sink.byNotification();
      expect(new Set(notifications.keys())).toEqual(expectedNotifications(events));
      for (const [pair, { posts, keys }] of notifications) expect({ pair, posts, keys: keys.size }).toEqual({ pair, posts: 1, keys: 1 });
      expect(sink.received.length).toBeGreaterThan(notifiedBefore);
    });

    it('a second run over the same window finds everything known and changes nothing', async () => {
      const sent = sink.received.length;
      const before = await eventLog(events.map((event) => event.eventId));
      const { runId } = await app.get(ReconcileRuns).start({ from: new Date(window.from), to: new Date(window.to) });
      expect(await finishedRun(app, runId)).toMatchObject({
        status: 'succeeded',
        listed: events.length,
        alreadyKnown: events.length,
        queued: 0,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await eventLog(events.map((event) => event.eventId))).toEqual(before);
      expect(sink.received.length).toBe(sent);
    });

    it('counts the runs, the events listed and those found missing, and when a run last succeeded', async () => {
      const key = metricsKey(label);
      const hash = await waitFor(async () => {
        const values = await redis.hgetall(key);
        return Number(values[counterField(EventCounter.ReconcileRuns, 'succeeded')]) >= 2 ? values : undefined;
      });
      const sum = (counter: EventCounter) =>
        Object.entries(hash)
          .filter(([field]) => field.startsWith(`c|${counter}|`))
          .reduce((total, [, value]) => total + Number(value), 0);
      expect(sum(EventCounter.ReconcileListed)).toBe(2 * events.length);
      expect(sum(EventCounter.ReconcileMissing)).toBe(missing.length);
      expect(Number(hash[gaugeField(ServiceGauge.ReconcileLastSuccess)]) * 1000).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  it('an event queued by webhook but not processed yet is already known: the seen marker decides, it is queued once', async () => {
    const app = await worker({ prefix: prefix('reconcile-seen') });
    const [event] = renderJourneys(generateJourneys({ seed: 404, shipments: 1, format: 'v2' })).filter((e) => e.kind === 'departed');
    const queue = app.get<Queue>(getQueueToken(QueueName.Milestones));
    await queue.pause();
    expect(await app.get(IntakeService, { strict: false }).accept(event.body, 'application/json')).toMatchObject({ status: 'queued' });
    api.addEvents([listed(event)]);
    const window = { from: new Date(Date.parse(event.occurredAt) - 1000), to: new Date(Date.parse(event.occurredAt) + 1000) };
    const { runId } = await app.get(ReconcileRuns).start(window);
    expect(await finishedRun(app, runId)).toMatchObject({ status: 'succeeded', listed: 1, alreadyKnown: 1, queued: 0 });
    expect(await eventLog([event.eventId])).toEqual([]);
    await queue.resume();
    expect(await allProcessed([event.eventId])).toEqual([{ event_id: event.eventId, status: 'processed', attempts: 1, source: 'webhook' }]);
  });

  it('keeps a listed value that is not an event as a quarantined dead letter, once however many runs list it', async () => {
    const app = await worker({ prefix: prefix('reconcile-quarantine') });
    const at = '2026-11-01T00:00:00.000Z';
    api.addEvents([{ _object: '/event', id: 'not-an-event-1', occurred_at: at, data: {} }]);
    const window = { from: new Date(Date.parse(at) - 1000), to: new Date(Date.parse(at) + 1000) };
    for (let run = 0; run < 2; run++) {
      const { runId } = await app.get(ReconcileRuns).start(window);
      expect(await finishedRun(app, runId)).toMatchObject({ status: 'succeeded', listed: 1, quarantined: 1, queued: 0 });
    }
    const letters = await waitFor(async () => {
      const rows = await db.dataSource.query(
        `SELECT reason, last_error FROM dead_letters WHERE convert_from(raw_body, 'UTF8') LIKE '%not-an-event-1%'`,
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(letters).toEqual([{ reason: 'quarantined', last_error: 'event has no string type' }]);
  });

  it('a failed run is counted by its reason, shows why, and leaves the workers consuming', async () => {
    const label = prefix('reconcile-failure');
    const app = await worker({ prefix: label });
    api.failNext({ kind: 'status', status: 403 });
    const { runId } = await app.get(ReconcileRuns).start({ from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-02T00:00:00Z') });
    const run = await finishedRun(app, runId);
    expect(run).toMatchObject({ status: 'failed', listed: 0, error: expect.stringContaining('HTTP 403') });
    const hash = await waitFor(async () => {
      const values = await redis.hgetall(metricsKey(label));
      return values[counterField(EventCounter.ReconcileFailures, 'http_error')] ? values : undefined;
    });
    expect(hash[counterField(EventCounter.ReconcileRuns, 'failed')]).toBe('1');
    // The event queues are still consumed.
    const [event] = renderJourneys(generateJourneys({ seed: 405, shipments: 1, format: 'compact' }));
    await app.get(IntakeService, { strict: false }).accept(event.body, 'application/json');
    await allProcessed([event.eventId]);
  });

  it('a worker that stops mid-run hands the run back to the queue, and another worker finishes it', async () => {
    const label = prefix('reconcile-handback');
    const first = await worker({ prefix: label });
    const at = '2026-09-01T00:00:00.000Z';
    const [event] = renderJourneys(generateJourneys({ seed: 406, shipments: 1, format: 'v2', startAt: at }));
    api.addEvents([listed(event)]);
    const window = { from: new Date(Date.parse(event.occurredAt) - 1000), to: new Date(Date.parse(event.occurredAt) + 1000) };
    const listingsBefore = api.listings().length;
    api.failNext({ kind: 'hang' });
    const { runId } = await first.get(ReconcileRuns).start(window);
    await waitFor(async () => (api.listings().length > listingsBefore ? true : undefined));
    const stopping = Date.now();
    await first.close();
    workers.splice(workers.indexOf(first), 1);
    // It did not wait for the hanging request (30 s): the run was handed back.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const second = await worker({ prefix: label, settle: false });
    expect(await finishedRun(second, runId)).toMatchObject({ status: 'succeeded', listed: 1, queued: 1 });
    expect(await allProcessed([event.eventId])).toEqual([
      { event_id: event.eventId, status: 'processed', attempts: 1, source: 'reconcile' },
    ]);
  });

  it('every worker keeps the same one schedule: one run per interval over the lookback up to its start; off, it is removed', async () => {
    const label = prefix('reconcile-schedule');
    const env = { RECONCILE_INTERVAL_S: '3600', RECONCILE_LOOKBACK_S: '7200' };
    const [a] = await Promise.all([worker({ prefix: label, env, settle: false }), worker({ prefix: label, env, settle: false })]);
    const queue = a.get<Queue>(getQueueToken(QueueName.Reconcile));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: RECONCILE_SCHEDULER_ID, every: 3_600_000 })]);
    const completed = await waitFor(async () => {
      const jobs = await queue.getCompleted();
      return jobs.length > 0 ? jobs : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queue.getCompleted()).toHaveLength(1);
    const result = completed[0].returnvalue as { from: string; to: string; startedAt: string };
    expect(Date.parse(result.to) - Date.parse(result.from)).toBe(7_200_000);
    expect(result.to).toBe(result.startedAt);
    // The next run waits for the interval: one delayed job.
    expect(await queue.getDelayedCount()).toBe(1);
    await worker({ prefix: label, credentials: null, settle: false });
    expect(await queue.getJobSchedulers()).toEqual([]);
  });
});
