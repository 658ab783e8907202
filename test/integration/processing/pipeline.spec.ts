import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { EventCategory, NormalizedEvent } from '@app/flexport';
import { MilestonesHandler } from '@app/milestones';
import {
  EventHandler,
  EventReplayQueries,
  EventNotFoundError,
  EventPipeline,
  EventRunReport,
  NoHandlerError,
  PIPELINE_OBSERVER,
  ReplayCursor,
  HandlesEvents,
} from '@app/processing';
import { EVENT_JOB_OPTIONS, EventJobData, QueueName, totalRetryWindowMs } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureJobData, milestoneBody, milestoneJob, jobDataFromBody } from '../../support/events.js';
import { addEventJob, createProcessingHarness, ProcessingHarness, testQueue } from '../../support/processing.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

/** A booking handler whose failures the test controls. */
@HandlesEvents(EventCategory.Booking)
class FlakyBookings implements EventHandler {
  readonly projections = [];
  failures = 0;
  applied: string[] = [];

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await manager.query('SELECT 1');
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection terminated unexpectedly');
    }
    this.applied.push(event.eventId);
  }
}

describe('event pipeline (Postgres, BullMQ jobs)', () => {
  let db: TestDatabase;
  let harness: ProcessingHarness;
  let pipeline: EventPipeline;
  let bookings: FlakyBookings;
  let queue: Queue;
  const prefix = uniquePrefix('pipeline');
  const reports: EventRunReport[] = [];

  const eventLog = async (eventId: string) => (await db.dataSource.query('SELECT * FROM event_log WHERE event_id = $1', [eventId]))[0];
  const deadLetter = async (eventId: string) => (await db.dataSource.query('SELECT * FROM dead_letters WHERE event_id = $1', [eventId]))[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    harness = await createProcessingHarness(db.dataSource, {
      providers: [MilestonesHandler, FlakyBookings],
      globals: [{ provide: PIPELINE_OBSERVER, useValue: { onRun: (report: EventRunReport) => reports.push(report) } }],
    });
    pipeline = harness.pipeline;
    bookings = harness.module.get(FlakyBookings);
    queue = testQueue(prefix);
  });

  afterAll(async () => {
    await queue?.close();
    await harness?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('keeps retrying a transient failure for at least 15 minutes (job options policy)', () => {
    expect(totalRetryWindowMs(EVENT_JOB_OPTIONS)).toBeGreaterThanOrEqual(15 * 60 * 1000);
  });

  it('processes an event once and records it in the event log with the raw envelope', async () => {
    const data = fixtureJobData('compact/milestone-departed.json');
    const job = await addEventJob(queue, data);
    await expect(pipeline.process(job)).resolves.toBe('processed');
    const row = await eventLog(data.eventId);
    expect(row).toMatchObject({
      type: 'shipment.milestone',
      category: 'milestone',
      name: 'departed',
      status: 'processed',
      attempts: 1,
      last_error: null,
      occurred_at: new Date('2026-03-02T06:40:00Z'),
      shipment_id: 'SHP-104233',
    });
    expect(row.payload).toEqual(data.envelope);
    expect(row.processed_at).toBeInstanceOf(Date);
    expect(reports.at(-1)).toMatchObject({ eventId: data.eventId, outcome: 'processed', category: 'milestone' });
  });

  it('records where an event came from: a reconciliation run, or a webhook when the job does not say', async () => {
    const reconciled = {
      ...milestoneJob({ id: 'evt_src_rec', milestone: 'arrived', occurredAt: '2026-03-03T00:00:00Z' }),
      source: 'reconcile' as const,
    };
    const delivered = milestoneJob({ id: 'evt_src_hook', milestone: 'arrived', occurredAt: '2026-03-03T00:00:00Z' });
    expect(await pipeline.process(await addEventJob(queue, reconciled))).toBe('processed');
    expect(await pipeline.process(await addEventJob(queue, delivered))).toBe('processed');
    expect(await eventLog('evt_src_rec')).toMatchObject({ source: 'reconcile', status: 'processed' });
    expect(await eventLog('evt_src_hook')).toMatchObject({ source: 'webhook', status: 'processed' });
    // A later webhook delivery of the reconciled event changes nothing, its source included.
    expect(await pipeline.process(await addEventJob(queue, { ...reconciled, source: undefined }, { jobId: 'src-again' }))).toBe(
      'duplicate',
    );
    expect(await eventLog('evt_src_rec')).toMatchObject({ source: 'reconcile' });
  });

  it('a redelivered event is a duplicate and changes nothing', async () => {
    const data = fixtureJobData('flexport-v2/shipment-leg-departed.json');
    expect(await pipeline.process(await addEventJob(queue, data))).toBe('processed');
    const before = await eventLog(data.eventId);
    expect(await pipeline.process(await addEventJob(queue, data, { jobId: 'redelivery-1' }))).toBe('duplicate');
    const after = await eventLog(data.eventId);
    expect(after.attempts).toBe(before.attempts);
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it('a job run twice at once (a stalled job picked up again) applies once', async () => {
    const data = milestoneJob({ id: 'evt_twice', shipmentId: 'SHP-TWICE', milestone: 'departed', occurredAt: '2026-03-02T00:00:00Z' });
    const job = await addEventJob(queue, data);
    const outcomes = await Promise.all([pipeline.process(job), pipeline.process(job), pipeline.process(job)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    const history = await db.dataSource.query(`SELECT * FROM shipment_milestones WHERE shipment_id = 'SHP-TWICE'`);
    expect(history).toHaveLength(1);
    expect((await eventLog(data.eventId)).attempts).toBe(1);
  });

  describe('events that can never apply are dead-lettered at once', () => {
    const cases: [string, string, string][] = [
      [
        'a milestone without a shipment id',
        milestoneBody({ id: 'evt_no_shp', shipmentId: null, milestone: 'departed', occurredAt: '2026-03-02T00:00:00Z' }),
        'data.shipment_id is missing',
      ],
      [
        'an unknown milestone name',
        milestoneBody({ id: 'evt_bad_ms', milestone: 'teleported', occurredAt: '2026-03-02T00:00:00Z' }),
        'unknown milestone "teleported"',
      ],
      [
        'an unparseable date',
        milestoneBody({ id: 'evt_bad_date', milestone: 'departed', occurredAt: 'next tuesday' }),
        'not an ISO-8601 date',
      ],
    ];

    it.each(cases)('%s', async (_label, body, reason) => {
      const data = jobDataFromBody(body);
      const job = await addEventJob(queue, data);
      const error = await pipeline.process(job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(await eventLog(data.eventId)).toMatchObject({ status: 'dead', attempts: 1, last_error: expect.stringContaining(reason) });
      expect(await deadLetter(data.eventId)).toMatchObject({
        reason: 'invalid_event',
        last_error: expect.stringContaining(reason),
        type: 'shipment.milestone',
        payload: data.envelope,
        resolved_at: null,
      });
      const shipments = await db.dataSource.query(`SELECT * FROM shipment_milestones WHERE event_id = $1`, [data.eventId]);
      expect(shipments).toHaveLength(0);
    });

    it('an unparseable date leaves occurred_at empty in the event log', async () => {
      expect((await eventLog('evt_bad_date')).occurred_at).toBeNull();
    });

    it('the same dead event delivered again is a duplicate, and stays one dead letter', async () => {
      const data = jobDataFromBody(cases[1][1]);
      expect(await pipeline.process(await addEventJob(queue, data, { jobId: 'again-1' }))).toBe('duplicate');
      expect(await db.dataSource.query(`SELECT id FROM dead_letters WHERE event_id = 'evt_bad_ms'`)).toHaveLength(1);
    });

    it('reprocessing a still-invalid event keeps it dead and counts the replay', async () => {
      await expect(pipeline.reprocess('evt_bad_ms')).resolves.toBe('dead');
      expect(await deadLetter('evt_bad_ms')).toMatchObject({ replay_count: 1, reason: 'invalid_event' });
      expect((await deadLetter('evt_bad_ms')).last_replayed_at).toBeInstanceOf(Date);
    });
  });

  it('an event of an unknown type is kept as ignored, and reprocessing it leaves it ignored', async () => {
    const data = fixtureJobData('flexport-v2/unknown-future-type.json');
    const job = await addEventJob(queue, data);
    expect(await pipeline.process(job)).toBe('ignored');
    expect(await eventLog(data.eventId)).toMatchObject({
      status: 'ignored',
      category: 'unknown',
      name: null,
      attempts: 1,
      shipment_id: '104233',
    });
    expect(await pipeline.process(await addEventJob(queue, data, { jobId: 'ignored-again' }))).toBe('duplicate');
    expect(await pipeline.reprocess(data.eventId)).toBe('ignored');
    expect(await deadLetter(data.eventId)).toBeUndefined();
  });

  it('a transient failure is recorded as failed and rethrown for BullMQ to retry; a later attempt applies it', async () => {
    const data: EventJobData = { ...fixtureJobData('compact/booking-amended.json'), source: 'reconcile' };
    bookings.failures = 1;
    const job = await addEventJob(queue, data);
    await expect(pipeline.process(job)).rejects.toThrow('connection terminated unexpectedly');
    expect(await eventLog(data.eventId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'Error: connection terminated unexpectedly',
      shipment_id: 'SHP-104233',
      source: 'reconcile',
    });
    expect(bookings.applied).not.toContain(data.eventId);
    job.attemptsMade = 1;
    expect(await pipeline.process(job)).toBe('processed');
    expect(await eventLog(data.eventId)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(bookings.applied.filter((id) => id === data.eventId)).toHaveLength(1);
    expect(await deadLetter(data.eventId)).toBeUndefined();
  });

  it('on the last attempt a transient failure is dead-lettered; a replay after the fix applies it and resolves the dead letter', async () => {
    const data = jobDataFromBody(
      JSON.stringify({ id: 'evt_bkg_dead', type: 'booking.confirmed', data: { booking_id: 'BKG-9', occurred_at: '2026-03-01T00:00:00Z' } }),
    );
    bookings.failures = 1;
    const job = await addEventJob(queue, data, { attempts: 3 });
    job.attemptsMade = 2;
    await expect(pipeline.process(job)).rejects.toThrow('connection terminated');
    expect(await eventLog(data.eventId)).toMatchObject({ status: 'dead' });
    expect(await deadLetter(data.eventId)).toMatchObject({ reason: 'retries_exhausted', resolved_at: null });

    expect(await pipeline.reprocess(data.eventId)).toBe('processed');
    expect(await eventLog(data.eventId)).toMatchObject({ status: 'processed' });
    const letter = await deadLetter(data.eventId);
    expect(letter.resolved_at).toBeInstanceOf(Date);
    expect(letter.replay_count).toBe(1);
    expect(await pipeline.reprocess(data.eventId)).toBe('duplicate');
    expect(bookings.applied.filter((id) => id === data.eventId)).toHaveLength(1);
  });

  it('prepareReplay puts a dead event back to queued and returns the job to enqueue; its run applies it', async () => {
    const data = jobDataFromBody(
      JSON.stringify({
        id: 'evt_bkg_replay',
        type: 'booking.confirmed',
        data: { booking_id: 'BKG-10', occurred_at: '2026-03-01T00:00:00Z' },
      }),
    );
    bookings.failures = 1;
    await expect(pipeline.process(await addEventJob(queue, data, { attempts: 1 }))).rejects.toThrow();
    const replay = await pipeline.prepareReplay(data.eventId);
    expect(replay).toMatchObject({ previousStatus: 'dead', data: { eventId: data.eventId, category: 'booking', envelope: data.envelope } });
    expect((await eventLog(data.eventId)).status).toBe('queued');
    expect(await pipeline.process(await addEventJob(queue, replay!.data!, { jobId: 'replay-evt_bkg_replay-1' }))).toBe('processed');
    expect(await pipeline.prepareReplay('evt_nope')).toBeNull();
  });

  it('selects the events of a bulk replay by [from, to) and name or type, page by page', async () => {
    const store = harness.module.get(EventReplayQueries);
    const runs = [
      milestoneJob({ id: 'rp-1', shipmentId: 'SHP-RP', milestone: 'departed', occurredAt: '2026-04-01T00:00:00Z' }),
      milestoneJob({ id: 'rp-2', shipmentId: 'SHP-RP', milestone: 'arrived', occurredAt: '2026-04-02T00:00:00Z' }),
      milestoneJob({ id: 'rp-3', shipmentId: 'SHP-RP', milestone: 'departed', occurredAt: '2026-04-03T00:00:00Z' }),
      milestoneJob({ id: 'rp-4', shipmentId: 'SHP-RP', milestone: 'departed', occurredAt: '2026-04-05T00:00:00Z' }),
    ];
    for (const data of runs) await pipeline.process(await addEventJob(queue, data));
    const filter = { from: '2026-04-01T00:00:00Z', to: '2026-04-05T00:00:00Z', types: ['departed'] };
    const pages: ReplayCursor[][] = [];
    let after: ReplayCursor | null = null;
    for (;;) {
      const page = await store.selectForReplay(db.dataSource.manager, { ...filter, after, limit: 1 });
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1];
    }
    expect(pages.flat().map((c) => c.eventId)).toEqual(['rp-1', 'rp-3']);
    const byType = await store.selectForReplay(db.dataSource.manager, { from: '2026-04-01T00:00:00Z', types: ['shipment.milestone'] });
    expect(byType.map((c) => c.eventId)).toEqual(['rp-1', 'rp-2', 'rp-3', 'rp-4']);
    expect(byType.map((c) => c.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    const noTypes = await store.selectForReplay(db.dataSource.manager, { from: '2026-04-01T00:00:00Z', types: [] });
    expect(noTypes.map((c) => c.eventId)).toEqual(['rp-1', 'rp-2', 'rp-3', 'rp-4']);
  });

  it('with a real BullMQ worker, failures are retried with backoff and the last one dead-letters the event', async () => {
    const retryPrefix = uniquePrefix('pipeline-retry');
    const producer = new Queue(QueueName.Bookings, { connection: { url: TEST_REDIS_URL }, prefix: retryPrefix });
    const settled = new Map<string, string>();
    const worker = new Worker<EventJobData>(QueueName.Bookings, (job) => pipeline.process(job), {
      connection: { url: TEST_REDIS_URL },
      prefix: retryPrefix,
    });
    worker.on('completed', (job, result: string) => settled.set(job.data.eventId, result));
    worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) settled.set(job.data.eventId, `failed: ${error.message}`);
    });
    const recovers = jobDataFromBody(JSON.stringify({ id: 'evt_retry_ok', type: 'booking.confirmed', data: { booking_id: 'BKG-R1' } }));
    const neverRecovers = jobDataFromBody(
      JSON.stringify({ id: 'evt_retry_dead', type: 'booking.confirmed', data: { booking_id: 'BKG-R2' } }),
    );
    const options = { attempts: 3, backoff: { type: 'exponential', delay: 20 } };
    try {
      bookings.failures = 2;
      await producer.add('event', recovers, { jobId: 'retry-ok', ...options });
      const deadline = Date.now() + 15_000;
      while (!settled.has(recovers.eventId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      bookings.failures = 1000;
      await producer.add('event', neverRecovers, { jobId: 'retry-dead', ...options });
      while (!settled.has(neverRecovers.eventId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      bookings.failures = 0;
      await worker.close();
      await producer.close();
      await deletePrefix(retryPrefix);
    }
    expect(settled.get(recovers.eventId)).toBe('processed');
    expect(await eventLog(recovers.eventId)).toMatchObject({ status: 'processed', attempts: 3 });
    expect(settled.get(neverRecovers.eventId)).toBe('failed: connection terminated unexpectedly');
    expect(await eventLog(neverRecovers.eventId)).toMatchObject({ status: 'dead', attempts: 3 });
    expect(await deadLetter(neverRecovers.eventId)).toMatchObject({ reason: 'retries_exhausted', attempts: 3 });
  });

  it('a quarantined body is kept once as a dead letter without an event id', async () => {
    const body = Buffer.from('this is not json');
    const data = {
      receivedAt: '2026-03-15T00:00:00.000Z',
      reason: 'body is not valid JSON',
      contentType: 'text/plain',
      bodySha256: 'ignored-recomputed',
      bodyBase64: body.toString('base64'),
    };
    expect(await pipeline.quarantine(data)).toBe('quarantined');
    expect(await pipeline.quarantine(data)).toBe('duplicate');
    const rows = await db.dataSource.query(`SELECT * FROM dead_letters WHERE reason = 'quarantined'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_id: null, last_error: 'body is not valid JSON', content_type: 'text/plain' });
    expect(Buffer.compare(rows[0].raw_body, body)).toBe(0);
  });
});

describe('reprocess in a process without the domain module', () => {
  it('refuses with NoHandlerError and leaves the event as it was', async () => {
    const db = await createTestDatabase();
    const prefix = uniquePrefix('pipeline-nohandler');
    const queue = testQueue(prefix);
    const withHandler = await createProcessingHarness(db.dataSource, { providers: [FlakyBookings] });
    const bare = await createProcessingHarness(db.dataSource);
    try {
      const flaky = withHandler.module.get(FlakyBookings);
      flaky.failures = 1;
      const data = fixtureJobData('compact/booking-amended.json');
      await expect(withHandler.pipeline.process(await addEventJob(queue, data, { attempts: 1 }))).rejects.toThrow();
      await expect(bare.pipeline.reprocess(data.eventId)).rejects.toBeInstanceOf(NoHandlerError);
      const [row] = await db.dataSource.query('SELECT status, attempts FROM event_log WHERE event_id = $1', [data.eventId]);
      expect(row).toEqual({ status: 'dead', attempts: 1 });
      await expect(bare.pipeline.reprocess('nope')).rejects.toBeInstanceOf(EventNotFoundError);
    } finally {
      await bare.close();
      await withHandler.close();
      await queue.close();
      await db.drop();
      await deletePrefix(prefix);
    }
  });
});
