import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { DatabaseModule } from '@app/database';
import { MilestonesModule } from '@app/milestones';
import { ProcessingModule, ProcessingWorkerModule } from '@app/processing';
import { CATEGORY_QUEUES, EVENT_JOB_OPTIONS, EventJobData, eventJobId, JobName, QueueModule } from '@app/queue';
import { createTestDatabase } from '../../support/database.js';
import { fixtureJobData } from '../../support/events.js';
import { globalProviders, testConfigService } from '../../support/processing.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { startService, uniquePrefix } from '../../support/service-process.js';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function enqueue(prefix: string, events: EventJobData[]): Promise<void> {
  for (const data of events) {
    const queue = new Queue(CATEGORY_QUEUES[data.category], {
      connection: { url: TEST_REDIS_URL },
      prefix,
      defaultJobOptions: EVENT_JOB_OPTIONS,
    });
    await queue.add(JobName.Event, data, { jobId: eventJobId(data.eventId) });
    await queue.close();
  }
}

describe('worker role', () => {
  it('refuses to start when an event category has no consumer', async () => {
    const db = await createTestDatabase();
    const prefix = uniquePrefix('worker-missing');
    const module = await Test.createTestingModule({
      imports: [
        globalProviders([{ provide: ConfigService, useValue: testConfigService({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix }) }]),
        QueueModule.forRole('worker'),
        DatabaseModule,
        ProcessingModule,
        ProcessingWorkerModule,
        MilestonesModule,
      ],
    }).compile();
    module.useLogger(false);
    try {
      await expect(module.init()).rejects.toThrow(/no EventHandler for category booking.*no consumer on queue bookings/);
    } finally {
      await module.close().catch(() => undefined);
      await db.drop();
      await deletePrefix(prefix);
    }
  });

  it('worker processes started together migrate once, and exit 0 on SIGTERM (needs npm run build)', async () => {
    const db = await createTestDatabase({ migrate: false });
    const prefix = uniquePrefix('worker-proc');
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix };
    try {
      const workers = await Promise.all([startService('worker', env), startService('worker', env)]);
      await enqueue(prefix, [fixtureJobData('compact/milestone-departed.json')]);
      await waitFor(async () => {
        const rows = await db.dataSource.query(`SELECT 1 FROM event_log WHERE status = 'processed'`);
        return rows.length === 1 ? true : undefined;
      });
      const codes = await Promise.all(workers.map((worker) => worker.stop('SIGTERM')));
      expect(codes).toEqual([0, 0]);
      const migrations = await db.dataSource.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(migrations[0].n).toBeGreaterThan(0);
    } finally {
      await db.drop();
      await deletePrefix(prefix);
    }
  });
});
