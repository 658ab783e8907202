import { Queue, Worker } from 'bullmq';
import fc from 'fast-check';
import type { EntityManager } from 'typeorm';
import { InvalidEventError, MILESTONES } from '@app/flexport';
import { MILESTONE_LISTENER, MilestonesHandler, RecordedMilestone, ShipmentReader, ShipmentView } from '@app/milestones';
import { EventPipeline } from '@app/processing';
import { EventJobData, QueueName } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureJobData, jobDataFromBody, milestoneJob, transitJob } from '../../support/events.js';
import { addEventJob, createProcessingHarness, ProcessingHarness, testQueue } from '../../support/processing.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

/** Records what the notifications feature would see, and can be told to fail. */
class RecordingListener {
  recorded: RecordedMilestone[] = [];
  inTransaction: boolean[] = [];
  failFor = new Set<string>();

  async onMilestoneRecorded(manager: EntityManager, recorded: RecordedMilestone): Promise<void> {
    this.inTransaction.push(manager.queryRunner?.isTransactionActive === true);
    if (this.failFor.has(recorded.eventId)) throw new InvalidEventError('listener refused');
    this.recorded.push(recorded);
  }
}

describe('milestones and transit (Postgres)', () => {
  let db: TestDatabase;
  let harness: ProcessingHarness;
  let pipeline: EventPipeline;
  let reader: ShipmentReader;
  let queue: Queue;
  const listener = new RecordingListener();
  const prefix = uniquePrefix('milestones');
  let jobCounter = 0;

  const run = async (data: EventJobData) => pipeline.process(await addEventJob(queue, data, { jobId: `j${++jobCounter}` }));
  const runAll = async (events: EventJobData[]) => {
    for (const data of events) await run(data);
  };
  const shipment = async (id: string) => {
    const view = await reader.findById(id);
    if (!view) throw new Error(`no shipment ${id}`);
    return view;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    harness = await createProcessingHarness(db.dataSource, {
      providers: [MilestonesHandler, ShipmentReader],
      globals: [{ provide: MILESTONE_LISTENER, useValue: listener }],
    });
    pipeline = harness.pipeline;
    reader = harness.module.get(ShipmentReader);
    queue = testQueue(prefix);
  });

  afterAll(async () => {
    await queue?.close();
    await harness?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('projects the fixtures into GET /shipments/:id', async () => {
    await runAll([
      fixtureJobData('flexport-v2/shipment-leg-eta-updated.json'),
      fixtureJobData('flexport-v2/shipment-customs-released.json'),
      fixtureJobData('flexport-v2/shipment-leg-departed.json'),
    ]);
    const view = await shipment('104233');
    expect(view).toMatchObject<Partial<ShipmentView>>({
      id: '104233',
      status: 'customs_cleared',
      actualDepartureAt: '2026-03-02T06:40:00.000Z',
      estimatedDepartureAt: '2026-03-01T22:00:00.000Z',
      location: { name: 'Port of Yantian', country: 'CN' },
    });
    expect(view.estimatedArrivalAt).toBe('2026-03-23T13:00:00.000Z');
    expect(view.milestones.map((m) => m.milestone)).toEqual(['departed', 'customs_cleared']);
    expect(view.milestones[0]).toEqual({
      milestone: 'departed',
      occurredAt: '2026-03-02T06:40:00.000Z',
      location: { name: 'Port of Yantian', country: 'CN' },
      eventId: '2208114',
    });
  });

  it('a late, older ETA does not overwrite a newer one', async () => {
    await runAll([
      transitJob({ id: 'eta-new', shipmentId: 'SHP-ETA', occurredAt: '2026-03-05T00:00:00Z', estimatedArrival: '2026-03-25T00:00:00Z' }),
      transitJob({ id: 'eta-old', shipmentId: 'SHP-ETA', occurredAt: '2026-03-01T00:00:00Z', estimatedArrival: '2026-03-20T00:00:00Z' }),
    ]);
    expect((await shipment('SHP-ETA')).estimatedArrivalAt).toBe('2026-03-25T00:00:00.000Z');
  });

  it('an older milestone enters the history but does not change the status', async () => {
    await runAll([
      milestoneJob({ id: 'ms-arr', shipmentId: 'SHP-OLD', milestone: 'arrived', occurredAt: '2026-03-20T00:00:00Z' }),
      milestoneJob({
        id: 'ms-dep',
        shipmentId: 'SHP-OLD',
        milestone: 'departed',
        occurredAt: '2026-03-02T00:00:00Z',
        location: { name: 'Yantian', country: 'CN' },
      }),
    ]);
    const view = await shipment('SHP-OLD');
    expect(view.status).toBe('arrived');
    expect(view.statusAt).toBe('2026-03-20T00:00:00.000Z');
    expect(view.location).toEqual({ name: 'Yantian', country: 'CN' });
    expect(view.milestones.map((m) => [m.milestone, m.eventId])).toEqual([
      ['departed', 'ms-dep'],
      ['arrived', 'ms-arr'],
    ]);
  });

  it('ties go to the later milestone in catalogue order, then to the larger eventId', async () => {
    const at = '2026-03-10T00:00:00Z';
    await runAll([
      milestoneJob({ id: 'tie-b', shipmentId: 'SHP-TIE', milestone: 'customs_cleared', occurredAt: at }),
      milestoneJob({ id: 'tie-a', shipmentId: 'SHP-TIE', milestone: 'arrived', occurredAt: at }),
      milestoneJob({ id: 'tie-1', shipmentId: 'SHP-TIE2', milestone: 'arrived', occurredAt: at, location: { name: 'B', country: 'US' } }),
      milestoneJob({ id: 'tie-0', shipmentId: 'SHP-TIE2', milestone: 'arrived', occurredAt: at, location: { name: 'A', country: 'CN' } }),
    ]);
    expect((await shipment('SHP-TIE')).status).toBe('customs_cleared');
    expect((await shipment('SHP-TIE2')).location).toEqual({ name: 'B', country: 'US' });
  });

  it('links the containers a milestone names to the shipment', async () => {
    const data = fixtureJobData('flexport-v2/shipment-leg-departed.json');
    const envelope = structuredClone(data.envelope) as typeof data.envelope & { data: Record<string, unknown> };
    envelope.id = 2208115;
    envelope.data.containers = [{ container_number: 'MSKU1234567' }, { container_number: 'TGHU7654321' }];
    envelope.data.shipment = { ...(envelope.data.shipment as object), id: 'SHP-CNT' };
    await run(jobDataFromBody(JSON.stringify(envelope)));
    expect((await shipment('SHP-CNT')).containers).toEqual(['MSKU1234567', 'TGHU7654321']);
  });

  describe('the notification hook', () => {
    it('is called once per newly recorded milestone, inside the transaction, and says which is first', async () => {
      listener.recorded = [];
      listener.inTransaction = [];
      const first = milestoneJob({ id: 'hook-1', shipmentId: 'SHP-HOOK', milestone: 'departed', occurredAt: '2026-03-02T00:00:00Z' });
      const second = milestoneJob({ id: 'hook-2', shipmentId: 'SHP-HOOK', milestone: 'departed', occurredAt: '2026-03-01T00:00:00Z' });
      const arrived = milestoneJob({ id: 'hook-3', shipmentId: 'SHP-HOOK', milestone: 'arrived', occurredAt: '2026-03-20T00:00:00Z' });
      await runAll([first, second, first, arrived]);
      expect(listener.recorded.map((r) => [r.eventId, r.milestone, r.first])).toEqual([
        ['hook-1', 'departed', true],
        ['hook-2', 'departed', false],
        ['hook-3', 'arrived', true],
      ]);
      expect(listener.recorded[0]).toEqual({
        shipmentId: 'SHP-HOOK',
        milestone: 'departed',
        occurredAt: '2026-03-02T00:00:00.000Z',
        location: null,
        eventId: 'hook-1',
        first: true,
      });
      expect(listener.inTransaction.every(Boolean)).toBe(true);
    });

    it('a listener failure rolls the whole event back', async () => {
      listener.failFor.add('hook-fail');
      await expect(
        run(milestoneJob({ id: 'hook-fail', shipmentId: 'SHP-HOOK-FAIL', milestone: 'delivered', occurredAt: '2026-03-25T00:00:00Z' })),
      ).rejects.toThrow();
      expect(await reader.findById('SHP-HOOK-FAIL')).toBeNull();
      expect((await db.dataSource.query(`SELECT status FROM event_log WHERE event_id = 'hook-fail'`))[0].status).toBe('dead');
      listener.failFor.clear();
    });
  });

  /** A random history for one shipment: few distinct instants, so ties are common. */
  const historyArbitrary = () => {
    const instants = ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z'];
    const location = fc.option(fc.record({ name: fc.constantFrom('Yantian', 'Long Beach'), country: fc.constantFrom('CN', 'US') }), {
      nil: null,
    });
    return fc.array(
      fc.oneof(
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
      { minLength: 1, maxLength: 10 },
    );
  };

  type Spec = ReturnType<typeof historyArbitrary> extends fc.Arbitrary<(infer S)[]> ? S : never;

  const jobsFor = (shipmentId: string, specs: Spec[]) =>
    specs.map((s, i) => {
      const id = `${shipmentId}-e${String(i).padStart(2, '0')}`;
      return s.kind === 'milestone'
        ? milestoneJob({ id, shipmentId, milestone: s.milestone, occurredAt: s.at, location: s.location })
        : transitJob({ id, shipmentId, occurredAt: s.at, estimatedArrival: s.arrival, estimatedDeparture: s.departure });
    });

  /** The state the events define, comparable between shipments (ids and write times left out). */
  const comparable = (view: ShipmentView) => {
    const { id, updatedAt: _updatedAt, milestones, ...rest } = view;
    return { ...rest, milestones: milestones.map((m) => ({ ...m, eventId: m.eventId.slice(id.length) })) };
  };

  it('random permutations of the events, with duplicates, converge to the in-order state', async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(historyArbitrary(), fc.array(fc.nat(), { maxLength: 5 }), fc.nat(), async (specs, dupes, seed) => {
        runNo++;
        const inOrder = jobsFor(`P${runNo}-ORD`, specs);
        const byVersion = inOrder
          .map((data, i) => ({ data, spec: specs[i] }))
          .sort((a, b) => a.spec.at.localeCompare(b.spec.at))
          .map(({ data }) => data);
        await runAll(byVersion);

        const shuffled = jobsFor(`P${runNo}-RND`, specs);
        const arrival = [...shuffled, ...dupes.map((d) => shuffled[d % shuffled.length])];
        let state = seed >>> 0;
        for (let i = arrival.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          const j = state % (i + 1);
          [arrival[i], arrival[j]] = [arrival[j], arrival[i]];
        }
        await runAll(arrival);
        expect(comparable(await shipment(`P${runNo}-RND`))).toEqual(comparable(await shipment(`P${runNo}-ORD`)));
      }),
      { numRuns: 40 },
    );
  });

  it('many events for one shipment processed by BullMQ at concurrency 12 lose nothing', async () => {
    const consumePrefix = uniquePrefix('ms-conc');
    const specs = fc.sample(historyArbitrary(), { numRuns: 20, seed: 4242 }).flat();
    const baseline = jobsFor('CONC-BASE', specs);
    const ordered = baseline
      .map((data, i) => ({ data, at: specs[i].at }))
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ data }) => data);
    await runAll(ordered);

    const events = jobsFor('CONC-LIVE', specs);
    const producer = new Queue(QueueName.Milestones, { connection: { url: TEST_REDIS_URL }, prefix: consumePrefix });
    const outcomes: string[] = [];
    const worker = new Worker<EventJobData>(QueueName.Milestones, (job) => pipeline.process(job), {
      connection: { url: TEST_REDIS_URL },
      prefix: consumePrefix,
      concurrency: 12,
    });
    worker.on('completed', (_job, result: string) => outcomes.push(result));
    try {
      // Every event twice: a redelivery under another job id must be a duplicate.
      await producer.addBulk(
        [...events, ...events].map((data, i) => ({
          name: 'event',
          data,
          opts: { jobId: `c${i}`, attempts: 5, backoff: { type: 'fixed', delay: 50 } },
        })),
      );
      const deadline = Date.now() + 60_000;
      while (outcomes.length < events.length * 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.close();
      await producer.close();
      await deletePrefix(consumePrefix);
    }
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(events.length);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(events.length);
    const live = await shipment('CONC-LIVE');
    expect(live.milestones).toHaveLength(specs.filter((s) => s.kind === 'milestone').length);
    expect(comparable(live)).toEqual(comparable(await shipment('CONC-BASE')));
    const statuses = await db.dataSource.query(
      `SELECT status, count(*)::int AS n FROM event_log WHERE event_id LIKE 'CONC-LIVE-%' GROUP BY status`,
    );
    expect(statuses).toEqual([{ status: 'processed', n: events.length }]);
  });
});
