import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import fc from 'fast-check';
import type { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, MILESTONES, NormalizedEvent } from '@app/flexport';
import {
  applyShipmentEvent,
  emptyShipmentState,
  MILESTONE_LISTENER,
  MilestonesHandler,
  RecordedMilestone,
  ShipmentReader,
  ShipmentState,
} from '@app/milestones';
import { NotificationOutboxListener, OutboxCommitSignal } from '@app/notifications';
import { EventHandler, EventPipeline, PIPELINE_BATCHING, ProcessOutcome, HandlesEvents } from '@app/processing';
import { compareVersions, versionOf } from '@app/versions';
import { EventJobData, QueueName } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { jobDataFromBody, milestoneBody, milestoneJob, normalized, transitJob } from '../../support/events.js';
import { createProcessingHarness, ProcessingHarness, testQueue } from '../../support/processing.js';
import { shuffled } from '../projections/events.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

/** The outbox listener of the notifications feature, recording what it was given; it can be told to refuse an event. */
class RecordingOutbox extends NotificationOutboxListener {
  recorded: RecordedMilestone[] = [];
  refuse = new Set<string>();

  override async onMilestoneRecorded(manager: EntityManager, recorded: RecordedMilestone): Promise<void> {
    this.check([recorded]);
    await super.onMilestoneRecorded(manager, recorded);
    this.recorded.push(recorded);
  }

  override async onMilestonesRecorded(manager: EntityManager, recorded: readonly RecordedMilestone[]): Promise<void> {
    this.check(recorded);
    await super.onMilestonesRecorded(manager, recorded);
    this.recorded.push(...recorded);
  }

  private check(recorded: readonly RecordedMilestone[]) {
    const refused = recorded.find((milestone) => this.refuse.has(milestone.eventId));
    if (refused) throw new InvalidEventError(`listener refused ${refused.eventId}`);
  }
}

/**
 * A bookings handler with a batch form: a batch holding a given event loses its database
 * connection, and single events can be made to fail transiently.
 */
@HandlesEvents(EventCategory.Booking)
class FragileBookings implements EventHandler {
  readonly projections = [];
  terminateBatchOf: string | null = null;
  failOnce = new Set<string>();
  applied: string[] = [];
  batches: number[] = [];

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await manager.query('SELECT 1');
    if (this.failOnce.delete(event.eventId)) throw new Error('connection terminated unexpectedly');
    this.applied.push(event.eventId);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    this.batches.push(events.length);
    if (events.some((event) => event.eventId === this.terminateBatchOf)) {
      this.terminateBatchOf = null;
      await manager.query('SELECT pg_terminate_backend(pg_backend_pid())');
    }
    this.applied.push(...events.map((event) => event.eventId));
  }
}

const booking = (id: string, bookingId: string) =>
  jobDataFromBody(JSON.stringify({ id, type: 'booking.confirmed', data: { booking_id: bookingId, occurred_at: '2026-03-01T00:00:00Z' } }));

/** The shipment state the events define: the state rules applied in the order the events happened. */
function inOrderState(events: readonly EventJobData[]): Map<string, ShipmentState> {
  const distinct = [...new Map(events.map((data) => [data.eventId, normalized(data)])).values()];
  distinct.sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
  const states = new Map<string, ShipmentState>();
  for (const event of distinct) {
    const id = (event.facts as { shipmentId: string }).shipmentId;
    states.set(id, applyShipmentEvent(states.get(id) ?? emptyShipmentState(), event));
  }
  return states;
}

describe('batched event pipeline (Postgres, BullMQ jobs)', () => {
  let db: TestDatabase;
  let harness: ProcessingHarness;
  let pipeline: EventPipeline;
  let milestones: MilestonesHandler;
  let bookings: FragileBookings;
  let reader: ShipmentReader;
  let queue: Queue;
  let warn: jest.SpiedFunction<Logger['warn']>;
  const prefix = uniquePrefix('batching');
  let outbox: RecordingOutbox;
  const batchSizes: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let jobCounter = 0;

  /** Submits the events as jobs all at once, as a busy worker does, and waits for every outcome. */
  const submitAll = async (events: readonly EventJobData[]) => {
    const jobs = await queue.addBulk(events.map((data) => ({ name: 'event', data, opts: { jobId: `b${++jobCounter}` } })));
    return Promise.allSettled(jobs.map((job) => pipeline.process(job)));
  };
  const outcomes = (settled: PromiseSettledResult<ProcessOutcome>[]) =>
    settled.map((result) => (result.status === 'fulfilled' ? result.value : `rejected: ${String(result.reason)}`));
  const count = (values: string[], value: string) => values.filter((v) => v === value).length;
  const fallbacks = () =>
    warn.mock.calls.filter(([line]) => (line as { msg?: string })?.msg?.startsWith('batch transaction failed')).length;
  const eventLog = async (eventId: string) => (await db.dataSource.query('SELECT * FROM event_log WHERE event_id = $1', [eventId]))[0];
  const state = async (id: string): Promise<Omit<ShipmentState, 'versions'> | null> => {
    const view = await reader.findById(id);
    if (!view) return null;
    const {
      status,
      statusAt,
      location,
      estimatedDepartureAt,
      estimatedArrivalAt,
      actualDepartureAt,
      actualArrivalAt,
      customsStatus,
      cargoReadyDate,
    } = view;
    const [row] = await db.dataSource.query('SELECT container_numbers FROM shipments WHERE id = $1', [id]);
    return {
      status,
      statusAt,
      location,
      estimatedDepartureAt,
      estimatedArrivalAt,
      actualDepartureAt,
      actualArrivalAt,
      customsStatus,
      cargoReadyDate,
      containerNumbers: row.container_numbers,
    };
  };
  const withoutVersions = ({ versions: _versions, ...rest }: ShipmentState) => rest;

  beforeAll(async () => {
    db = await createTestDatabase();
    outbox = new RecordingOutbox(new OutboxCommitSignal(db.dataSource));
    harness = await createProcessingHarness(db.dataSource, {
      providers: [MilestonesHandler, ShipmentReader, FragileBookings],
      globals: [
        { provide: PIPELINE_BATCHING, useValue: { maxBatchSize: 4, maxParallelBatches: 4, minParallelBatchSize: 1 } },
        { provide: MILESTONE_LISTENER, useValue: outbox },
      ],
    });
    pipeline = harness.pipeline;
    milestones = harness.module.get(MilestonesHandler);
    bookings = harness.module.get(FragileBookings);
    reader = harness.module.get(ShipmentReader);
    queue = testQueue(prefix);
    const applyBatch = milestones.applyBatch.bind(milestones);
    milestones.applyBatch = async (manager, events) => {
      batchSizes.push(events.length);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        await applyBatch(manager, events);
      } finally {
        inFlight--;
      }
    };
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    batchSizes.length = 0;
    mostInFlight = 0;
  });

  afterEach(() => warn.mockRestore());

  afterAll(async () => {
    await queue?.close();
    await harness?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('a batch with duplicates inside it and across batches applies each event once', async () => {
    const events = Array.from({ length: 18 }, (_, i) =>
      i % 3 === 0
        ? transitJob({
            id: `dup-${i}`,
            shipmentId: `SHP-DUP-${i % 2}`,
            occurredAt: `2026-03-${String(1 + (i % 7)).padStart(2, '0')}T00:00:00Z`,
            estimatedArrival: `2026-04-${String(1 + i).padStart(2, '0')}T00:00:00Z`,
          })
        : milestoneJob({
            id: `dup-${i}`,
            shipmentId: `SHP-DUP-${i % 2}`,
            milestone: MILESTONES[i % MILESTONES.length],
            occurredAt: `2026-03-${String(1 + (i % 5)).padStart(2, '0')}T00:00:00Z`,
          }),
    );
    // Each event twice in the same burst: the two deliveries may share a batch or be in parallel ones.
    const first = outcomes(await submitAll([...events, ...events.slice().reverse()]));
    expect(count(first, 'processed')).toBe(events.length);
    expect(count(first, 'duplicate')).toBe(events.length);
    // Delivered again later, mixed with a new event: only the new one runs.
    const late = milestoneJob({ id: 'dup-late', shipmentId: 'SHP-DUP-0', milestone: 'delivered', occurredAt: '2026-03-30T00:00:00Z' });
    const again = outcomes(await submitAll([...events.slice(0, 7), late]));
    expect(again).toEqual([...Array(7).fill('duplicate'), 'processed']);

    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(fallbacks()).toBe(0);
    const log = await db.dataSource.query(
      `SELECT status, attempts, count(*)::int AS n FROM event_log WHERE event_id LIKE 'dup-%' GROUP BY 1, 2`,
    );
    expect(log).toEqual([{ status: 'processed', attempts: 1, n: events.length + 1 }]);
    // A row the batch inserts is the row the one-event path would leave.
    const row = await eventLog('dup-1');
    expect(row).toMatchObject({
      type: 'shipment.milestone',
      category: 'milestone',
      name: MILESTONES[1],
      last_error: null,
      occurred_at: new Date('2026-03-02T00:00:00Z'),
      shipment_id: 'SHP-DUP-1',
    });
    expect(row.payload).toEqual(events[1].envelope);
    expect(row.received_at).toEqual(new Date(events[1].receivedAt));
    expect(row.processed_at).toBeInstanceOf(Date);
    const history = await db.dataSource.query(`SELECT event_id FROM shipment_milestones WHERE event_id LIKE 'dup-%'`);
    expect(history).toHaveLength(events.filter((e) => e.category === EventCategory.Milestone).length + 1);
    const expected = inOrderState([...events, late]);
    for (const id of ['SHP-DUP-0', 'SHP-DUP-1']) expect(await state(id)).toEqual(withoutVersions(expected.get(id) as ShipmentState));
  });

  it('a batch writes where each event came from: reconcile for one a reconciliation run queued, else webhook', async () => {
    const events = Array.from({ length: 8 }, (_, i) => ({
      ...milestoneJob({ id: `src-${i}`, shipmentId: `SHP-SRC-${i % 2}`, milestone: 'departed', occurredAt: '2026-03-01T00:00:00Z' }),
      ...(i % 2 === 0 ? { source: 'reconcile' as const } : {}),
    }));
    expect(count(outcomes(await submitAll(events)), 'processed')).toBe(events.length);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    const rows = await db.dataSource.query(`SELECT event_id, source FROM event_log WHERE event_id LIKE 'src-%' ORDER BY event_id`);
    expect(rows).toEqual(events.map((e, i) => ({ event_id: e.eventId, source: i % 2 === 0 ? 'reconcile' : 'webhook' })));
  });

  it('events of unknown types are kept as ignored by a batch, each once', async () => {
    const unknown = [0, 1, 2, 3, 4].map((i) =>
      jobDataFromBody(JSON.stringify({ id: `unk-${i}`, type: 'shipment.teleported', data: { shipment_id: 'SHP-UNK' } })),
    );
    expect(unknown[0].category).toBe(EventCategory.Unknown);
    const arrival = [...unknown, unknown[0], unknown[3]];
    const results = outcomes(await submitAll(arrival));
    // Either copy of a redelivered event may be the one that runs (they can be in parallel batches).
    for (const data of unknown) {
      const mine = results.filter((_, i) => arrival[i] === data).sort();
      expect(mine).toEqual(data === unknown[0] || data === unknown[3] ? ['duplicate', 'ignored'] : ['ignored']);
    }
    const log = await db.dataSource.query(
      `SELECT status, attempts, count(*)::int AS n FROM event_log WHERE event_id LIKE 'unk-%' GROUP BY 1, 2`,
    );
    expect(log).toEqual([{ status: 'ignored', attempts: 1, n: 5 }]);
    // The timeline needs the shipment an ignored event names too.
    expect(await db.dataSource.query(`SELECT DISTINCT shipment_id FROM event_log WHERE event_id LIKE 'unk-%'`)).toEqual([
      { shipment_id: 'SHP-UNK' },
    ]);
    expect(fallbacks()).toBe(0);
  });

  it('a batch enters each delay and hold once and sets the customs status, as one event at a time would', async () => {
    const v2 = (id: number, verb: string, day: number) =>
      jobDataFromBody(
        JSON.stringify({
          _object: '/event',
          id,
          type: `/shipment#${verb}`,
          occurred_at: `2026-03-${String(day).padStart(2, '0')}T00:00:00Z`,
          data: { resource: { _object: '/shipment', id: 'SHP-EXC' }, shipment: { id: 'SHP-EXC' } },
        }),
      );
    const events = [
      v2(7_000_001, 'weather_delay', 3),
      v2(7_000_002, 'customs_agriculture_hold', 10),
      milestoneJob({ id: 'exc-cleared', shipmentId: 'SHP-EXC', milestone: 'customs_cleared', occurredAt: '2026-03-12T00:00:00Z' }),
      v2(7_000_003, 'customs_undergoing_x_ray_exam', 14),
      v2(7_000_004, 'cargo_rolled_from_booked_vessel', 1),
    ];
    const results = outcomes(await submitAll([...events, events[1], events[3]]));
    expect(count(results, 'processed')).toBe(events.length);
    expect(fallbacks()).toBe(0);
    const exceptions = await db.dataSource.query(
      `SELECT event_id, kind, reason FROM shipment_exceptions WHERE shipment_id = 'SHP-EXC' ORDER BY occurred_at`,
    );
    expect(exceptions).toEqual([
      { event_id: '7000004', kind: 'delay', reason: 'cargo_rolled_from_booked_vessel' },
      { event_id: '7000001', kind: 'delay', reason: 'weather_delay' },
      { event_id: '7000002', kind: 'customs_hold', reason: 'customs_agriculture_hold' },
      { event_id: '7000003', kind: 'customs_hold', reason: 'customs_undergoing_x_ray_exam' },
    ]);
    expect(await state('SHP-EXC')).toEqual(withoutVersions(inOrderState(events).get('SHP-EXC') as ShipmentState));
    expect((await state('SHP-EXC'))?.customsStatus).toBe('held');
  });

  it('a batch containing an invalid event dead-letters only that event', async () => {
    const valid = Array.from({ length: 6 }, (_, i) =>
      milestoneJob({
        id: `inv-ok-${i}`,
        shipmentId: `SHP-INV-${i % 2}`,
        milestone: MILESTONES[i % 5],
        occurredAt: `2026-03-0${i + 1}T00:00:00Z`,
      }),
    );
    const noShipment = jobDataFromBody(
      milestoneBody({ id: 'inv-no-shp', shipmentId: null, milestone: 'departed', occurredAt: '2026-03-02T00:00:00Z' }),
    );
    const teleported = milestoneJob({
      id: 'inv-teleported',
      shipmentId: 'SHP-INV-0',
      milestone: 'teleported',
      occurredAt: '2026-03-02T00:00:00Z',
    });
    const settled = await submitAll([valid[0], noShipment, ...valid.slice(1, 4), teleported, ...valid.slice(4)]);

    const [, invalidA, , , , invalidB] = settled;
    for (const result of [invalidA, invalidB]) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(UnrecoverableError);
    }
    expect(count(outcomes(settled), 'processed')).toBe(valid.length);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(fallbacks()).toBe(0);
    for (const id of ['inv-no-shp', 'inv-teleported']) {
      expect(await eventLog(id)).toMatchObject({ status: 'dead', attempts: 1 });
      const [letter] = await db.dataSource.query('SELECT reason FROM dead_letters WHERE event_id = $1', [id]);
      expect(letter).toEqual({ reason: 'invalid_event' });
    }
    expect(await db.dataSource.query(`SELECT 1 FROM shipment_milestones WHERE event_id = 'inv-teleported'`)).toHaveLength(0);
    for (const data of valid) expect(await eventLog(data.eventId)).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('a batch whose handler fails for one event falls back to one event at a time: that event is dead-lettered, the others applied once', async () => {
    const events = Array.from({ length: 8 }, (_, i) =>
      milestoneJob({
        id: `fb-${i}`,
        shipmentId: `SHP-FB-${i % 4}`,
        milestone: i < 4 ? 'departed' : 'arrived',
        occurredAt: `2026-03-0${i + 1}T00:00:00Z`,
      }),
    );
    outbox.refuse.add('fb-5');
    try {
      const settled = await submitAll(events);
      const results = outcomes(settled);
      expect(results[5]).toContain('rejected');
      expect(results.filter((_, i) => i !== 5)).toEqual(Array(7).fill('processed'));
    } finally {
      outbox.refuse.clear();
    }
    expect(fallbacks()).toBeGreaterThan(0);
    expect(await eventLog('fb-5')).toMatchObject({ status: 'dead', attempts: 1 });
    expect(await db.dataSource.query(`SELECT 1 FROM shipment_milestones WHERE event_id = 'fb-5'`)).toHaveLength(0);
    const log = await db.dataSource.query(
      `SELECT status, attempts, count(*)::int AS n FROM event_log WHERE event_id LIKE 'fb-%' AND event_id <> 'fb-5' GROUP BY 1, 2`,
    );
    expect(log).toEqual([{ status: 'processed', attempts: 1, n: 7 }]);
    const rows = await db.dataSource.query(
      `SELECT shipment_id, milestone, event_id FROM notification_outbox WHERE shipment_id LIKE 'SHP-FB-%' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { shipment_id: 'SHP-FB-0', milestone: 'arrived', event_id: 'fb-4' },
      { shipment_id: 'SHP-FB-0', milestone: 'departed', event_id: 'fb-0' },
      { shipment_id: 'SHP-FB-1', milestone: 'departed', event_id: 'fb-1' },
      { shipment_id: 'SHP-FB-2', milestone: 'arrived', event_id: 'fb-6' },
      { shipment_id: 'SHP-FB-2', milestone: 'departed', event_id: 'fb-2' },
      { shipment_id: 'SHP-FB-3', milestone: 'arrived', event_id: 'fb-7' },
      { shipment_id: 'SHP-FB-3', milestone: 'departed', event_id: 'fb-3' },
    ]);
  });

  it('a batch whose connection is terminated falls back: every event is applied exactly once, a transient failure is left to retry', async () => {
    const events = Array.from({ length: 6 }, (_, i) => booking(`term-${i}`, `BKG-T${i}`));
    bookings.applied = [];
    bookings.batches = [];
    bookings.terminateBatchOf = 'term-3';
    bookings.failOnce.add('term-3');
    const settled = await submitAll(events);
    const results = outcomes(settled);
    expect(bookings.batches.length).toBeGreaterThan(0);
    expect(fallbacks()).toBeGreaterThan(0);
    expect(results[3]).toBe('rejected: Error: connection terminated unexpectedly');
    expect(results.filter((_, i) => i !== 3)).toEqual(Array(5).fill('processed'));
    expect(await eventLog('term-3')).toMatchObject({ status: 'failed', attempts: 1 });

    // BullMQ's retry of the failed one applies it; every event counts once in the committed state.
    const [retry] = await queue.addBulk([{ name: 'event', data: events[3], opts: { jobId: `b${++jobCounter}` } }]);
    retry.attemptsMade = 1;
    expect(await pipeline.process(retry)).toBe('processed');
    expect(await eventLog('term-3')).toMatchObject({ status: 'processed', attempts: 2 });
    const log = await db.dataSource.query(`SELECT status, count(*)::int AS n FROM event_log WHERE event_id LIKE 'term-%' GROUP BY 1`);
    expect(log).toEqual([{ status: 'processed', n: 6 }]);
    // The terminated batch's work was rolled back; its events were applied again, alone, once each.
    expect(bookings.applied.sort()).toEqual(events.map((data) => data.eventId).sort());
  });

  describe('parallel batches over the same shipments', () => {
    const instants = ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'];
    const location = fc.option(fc.record({ name: fc.constantFrom('Yantian', 'Long Beach'), country: fc.constantFrom('CN', 'US') }), {
      nil: null,
    });
    const spec = fc.record({
      shipment: fc.constantFrom('A', 'B', 'C'),
      event: fc.oneof(
        fc.record({
          kind: fc.constant('milestone' as const),
          milestone: fc.constantFrom(...MILESTONES),
          at: fc.constantFrom(...instants),
          location,
        }),
        fc.record({
          kind: fc.constant('transit' as const),
          at: fc.constantFrom(...instants),
          arrival: fc.constantFrom(...instants),
          departure: fc.option(fc.constantFrom(...instants), { nil: undefined }),
        }),
      ),
    });
    type Spec = typeof spec extends fc.Arbitrary<infer S> ? S : never;
    const jobsFor = (run: number, specs: Spec[]) =>
      specs.map(({ shipment, event }, i) => {
        const id = `par${run}-e${String(i).padStart(2, '0')}`;
        const shipmentId = `PAR${run}-${shipment}`;
        return event.kind === 'milestone'
          ? milestoneJob({ id, shipmentId, milestone: event.milestone, occurredAt: event.at, location: event.location })
          : transitJob({ id, shipmentId, occurredAt: event.at, estimatedArrival: event.arrival, estimatedDeparture: event.departure });
      });

    it('any permutation with duplicates, applied by 4 parallel batch transactions, ends in the in-order state without deadlock', async () => {
      let run = 0;
      let overlapped = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(spec, { minLength: 8, maxLength: 24 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          fc.nat(),
          async (specs, dupes, seed) => {
            run++;
            mostInFlight = 0;
            const events = jobsFor(run, specs);
            const arrival = shuffled([...events, ...dupes.map((d) => events[d % events.length])], seed);
            const settled = outcomes(await submitAll(arrival));
            expect(count(settled, 'processed')).toBe(events.length);
            expect(count(settled, 'duplicate')).toBe(dupes.length);
            if (mostInFlight > 1) overlapped++;
            const expected = inOrderState(events);
            for (const [id, shipment] of expected) expect(await state(id)).toEqual(withoutVersions(shipment));
            const history = await db.dataSource.query(`SELECT count(*)::int AS n FROM shipment_milestones WHERE event_id LIKE $1`, [
              `par${run}-%`,
            ]);
            expect(history[0].n).toBe(specs.filter((s) => s.event.kind === 'milestone').length);
          },
        ),
        { numRuns: 30 },
      );
      expect(fallbacks()).toBe(0);
      expect(overlapped).toBeGreaterThan(0);
    }, 60_000);

    it('a BullMQ worker at concurrency 16 forms batches, applies every event once and ends in the in-order state', async () => {
      const consumePrefix = uniquePrefix('batching-worker');
      const specs = fc.sample(spec, { numRuns: 150, seed: 7 });
      const events = jobsFor(1000, specs);
      const producer = new Queue(QueueName.Milestones, { connection: { url: TEST_REDIS_URL }, prefix: consumePrefix });
      const results: string[] = [];
      const worker = new Worker<EventJobData>(QueueName.Milestones, (job) => pipeline.process(job), {
        connection: { url: TEST_REDIS_URL },
        prefix: consumePrefix,
        concurrency: 16,
      });
      worker.on('completed', (_job, result: string) => results.push(result));
      try {
        await producer.addBulk([...events, ...events].map((data, i) => ({ name: 'event', data, opts: { jobId: `w${i}` } })));
        const deadline = Date.now() + 30_000;
        while (results.length < events.length * 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      } finally {
        await worker.close();
        await producer.close();
        await deletePrefix(consumePrefix);
      }
      expect(count(results, 'processed')).toBe(events.length);
      expect(count(results, 'duplicate')).toBe(events.length);
      expect(Math.max(...batchSizes)).toBeGreaterThan(1);
      expect(fallbacks()).toBe(0);
      for (const [id, shipment] of inOrderState(events)) expect(await state(id)).toEqual(withoutVersions(shipment));
    }, 60_000);
  });

  it('the notification outbox row is written once per (shipment, milestone), in the batch that first records it', async () => {
    outbox.recorded = [];
    const shipments = ['NTF-1', 'NTF-2', 'NTF-3'];
    // Per shipment and milestone two events (another leg's is a different event for the same milestone,
    // never a second notification), side by side so that they share a batch.
    const events = shipments.flatMap((shipment, s) =>
      ['departed', 'arrived', 'delivered', 'customs_cleared'].flatMap((milestone, m) => [
        milestoneJob({ id: `${shipment}-${milestone}-a`, shipmentId: shipment, milestone, occurredAt: `2026-03-1${m}T0${s}:00:00Z` }),
        milestoneJob({ id: `${shipment}-${milestone}-b`, shipmentId: shipment, milestone, occurredAt: `2026-03-1${m}T1${s}:00:00Z` }),
      ]),
    );
    const late = milestoneJob({ id: 'NTF-1-departed-c', shipmentId: 'NTF-1', milestone: 'departed', occurredAt: '2026-03-09T00:00:00Z' });
    await submitAll(events.slice(0, 12));
    await submitAll([...events, late, ...events.slice(3, 9)]);

    const rows: { shipment_id: string; milestone: string; event_id: string }[] = await db.dataSource.query(
      `SELECT shipment_id, milestone, event_id FROM notification_outbox WHERE shipment_id LIKE 'NTF-%' ORDER BY 1, 2`,
    );
    expect(rows).toEqual(
      shipments.flatMap((shipment) =>
        ['arrived', 'delivered', 'departed'].map((milestone) => ({
          shipment_id: shipment,
          milestone,
          event_id: `${shipment}-${milestone}-a`,
        })),
      ),
    );
    const recorded = outbox.recorded.filter((r) => r.shipmentId.startsWith('NTF-'));
    expect(
      recorded
        .filter((r) => r.first)
        .map((r) => r.eventId)
        .sort(),
    ).toEqual(
      shipments
        .flatMap((shipment) => ['arrived', 'customs_cleared', 'delivered', 'departed'].map((milestone) => `${shipment}-${milestone}-a`))
        .sort(),
    );
    // Every event entered the history once, however often it was delivered.
    expect(recorded.map((r) => r.eventId).sort()).toEqual([...events, late].map((data) => data.eventId).sort());
    expect(fallbacks()).toBe(0);
  });

  it('an event that failed, delivered twice at once to parallel batches, is retried once', async () => {
    const retried = [0, 1, 2, 3].map((i) => booking(`rt-${i}`, `BKG-R${i}`));
    for (const data of retried) {
      bookings.failOnce.add(data.eventId);
      expect(outcomes(await submitAll([data]))).toEqual(['rejected: Error: connection terminated unexpectedly']);
      expect(await eventLog(data.eventId)).toMatchObject({ status: 'failed', attempts: 1 });
    }
    bookings.applied = [];
    bookings.batches = [];
    const fresh = [0, 1, 2, 3, 4, 5].map((i) => booking(`rt-new-${i}`, `BKG-RN${i}`));
    const [r0, r1, r2, r3] = retried;
    // Batches of 4 in this order: the two copies of each retried event land in two batches running at once.
    const arrival = [r0, fresh[0], fresh[1], r1, r1, r0, fresh[2], fresh[3], r2, fresh[4], fresh[5], r3, r3, r2];
    const results = outcomes(await submitAll(arrival));
    for (const data of retried) {
      expect(results.filter((_, i) => arrival[i] === data).sort()).toEqual(['duplicate', 'processed']);
      expect(await eventLog(data.eventId)).toMatchObject({ status: 'processed', attempts: 2 });
    }
    expect(bookings.applied.sort()).toEqual([...retried, ...fresh].map((data) => data.eventId).sort());
    expect(fallbacks()).toBe(0);
  });
});
