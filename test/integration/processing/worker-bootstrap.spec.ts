import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import pg from 'pg';
import type { EventJobData } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureJobData, milestoneJob } from '../../support/events.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

// AppConfigModule reads the environment when it is first imported: this file imports the app (and
// anything that imports @app/config, such as @app/queue) only after setting it, in beforeAll.

const FIXTURES = [
  'compact/booking-amended.json',
  'compact/container-loaded.json',
  'compact/document-bill-of-lading.json',
  'compact/eta-updated.json',
  'compact/invoice-freight-ready.json',
  'compact/milestone-departed.json',
  'compact/purchase-order-created.json',
  'flexport-v2/shipment-leg-departed.json',
  'flexport-v2/unknown-future-type.json',
];

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bootstrapWorker (in process)', () => {
  let db: TestDatabase;
  let context: INestApplicationContext | undefined;
  let enqueue: (events: EventJobData[]) => Promise<void>;
  const prefix = uniquePrefix('worker');

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: '4',
      RUN_MIGRATIONS: 'true',
    });
    const { CATEGORY_QUEUES, EVENT_JOB_OPTIONS, eventJobId, JobName } = await import('@app/queue');
    const { ConfigService } = await import('@nestjs/config');
    const { bootstrapWorker } = await import('../../../apps/worker/src/bootstrap.js');
    enqueue = async (events) => {
      for (const data of events) {
        const queue = new Queue(CATEGORY_QUEUES[data.category], {
          connection: { url: TEST_REDIS_URL },
          prefix,
          defaultJobOptions: EVENT_JOB_OPTIONS,
        });
        await queue.add(JobName.Event, data, { jobId: eventJobId(data.eventId) });
        await queue.close();
      }
    };
    context = await bootstrapWorker();
    context.useLogger(false);
    // Never let this test run against another database than its own.
    expect(context.get(ConfigService).get('app').databaseUrl).toBe(db.url);
  });

  afterAll(async () => {
    await context?.close();
    await db?.drop();
    await deletePrefix(prefix);
  });

  it('applies the migrations at start and consumes every category queue', async () => {
    const events = FIXTURES.map((path) => fixtureJobData(path));
    await enqueue(events);
    const rows = await waitFor(async () => {
      const found: { event_id: string; status: string }[] = await db.dataSource.query(
        `SELECT event_id, status FROM event_log WHERE status IN ('processed', 'ignored') ORDER BY event_id`,
      );
      return found.length === events.length ? found : undefined;
    });
    expect(rows.filter((row) => row.status === 'ignored').map((row) => row.event_id)).toEqual(['2208999']);
    const [shipment] = await db.dataSource.query(`SELECT status, estimated_arrival_at FROM shipments WHERE id = 'SHP-104233'`);
    expect(shipment).toEqual({ status: 'departed', estimated_arrival_at: new Date('2026-03-21T14:00:00Z') });
  });

  it('registers every entity of every lib through its module (no entity left out of the service)', async () => {
    const { loadEntityClasses } = await import('@app/database');
    const { DataSource } = await import('typeorm');
    const registered = new Set(context!.get(DataSource).entityMetadatas.map((metadata) => metadata.target));
    const missing = (await loadEntityClasses()).filter((entity) => !registered.has(entity)).map((entity) => entity.name);
    expect(missing).toEqual([]);
  });

  it('on close it stops taking jobs but finishes the job in hand', async () => {
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query(`INSERT INTO shipments (id) VALUES ('SHP-SLOW') ON CONFLICT DO NOTHING`);
      await blocker.query('BEGIN');
      await blocker.query(`SELECT id FROM shipments WHERE id = 'SHP-SLOW' FOR UPDATE`);
      await enqueue([milestoneJob({ id: 'evt_slow', shipmentId: 'SHP-SLOW', milestone: 'arrived', occurredAt: '2026-03-20T00:00:00Z' })]);
      // The job is in hand once its transaction waits for our lock.
      await waitFor(async () => {
        const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
        return n > 0 ? true : undefined;
      });
      const closing = context!.close();
      context = undefined;
      await new Promise((r) => setTimeout(r, 300));
      await blocker.query('COMMIT');
      await closing;
    } finally {
      await blocker.end();
    }
    const [row] = await db.dataSource.query(`SELECT status FROM event_log WHERE event_id = 'evt_slow'`);
    expect(row).toEqual({ status: 'processed' });
    await enqueue([
      milestoneJob({ id: 'evt_after_close', shipmentId: 'SHP-SLOW', milestone: 'delivered', occurredAt: '2026-03-25T00:00:00Z' }),
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.dataSource.query(`SELECT 1 FROM event_log WHERE event_id = 'evt_after_close'`)).toEqual([]);
  });
});
