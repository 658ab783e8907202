import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eventJobId, JobName, QueueName, seenKey } from '@app/queue';
import { ApiStack, startApiStack, waitFor } from '../support/api-stack.js';
import { fixtureBytes } from '../support/fixtures.js';
import { TEST_REDIS_URL } from '../support/redis.js';

const PROCESSED = ['compact/booking-amended.json', 'compact/milestone-departed.json', 'flexport-v2/shipment-leg-departed.json'];
const IGNORED = 'flexport-v2/unknown-future-type.json';
const DEAD = { id: 'evt_retention_dead', type: 'booking.confirmed', data: { booking_id: 'BKG-RET', occurred_at: '2026-03-05T00:00:00Z' } };

interface Cleared {
  count: number;
  eventIds: string[];
}

describe('payload retention (EVENT_PAYLOAD_RETENTION_DAYS=30), and replays and rebuilds over cleared payloads', () => {
  let stack: ApiStack;
  let maintenance: Queue;
  let processed: string[];
  let ignored: string;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => stack.db.dataSource.query(text, params);

  beforeAll(async () => {
    stack = await startApiStack('retention', { env: { EVENT_PAYLOAD_RETENTION_DAYS: '30' } });
    maintenance = new Queue(QueueName.Maintenance, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    processed = [];
    for (const fixture of PROCESSED) processed.push((await stack.client.deliver(fixtureBytes(fixture))).eventId!);
    ignored = (await stack.client.deliver(fixtureBytes(IGNORED))).eventId!;
    for (const id of processed) await stack.client.settled(id, ['processed']);
    await stack.client.settled(ignored, ['ignored']);
    // A dead letter, as the log holds one after its retries ran out.
    await sql(
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, payload, status, attempts)
       VALUES ($1, $2, 'booking', 'booking_confirmed', $3, now(), $4::jsonb, 'dead', 12)`,
      [DEAD.id, DEAD.type, DEAD.data.occurred_at, JSON.stringify(DEAD)],
    );
    // All of them received 40 days ago.
    await sql(`UPDATE event_log SET received_at = received_at - interval '40 days'`);
    const sweep = await maintenance.add(JobName.ClearPayloads, {});
    await waitFor(async () => ((await sweep.getState()) === 'completed' ? true : undefined), { what: 'the sweep job to complete' });
  }, 120_000);

  afterAll(async () => {
    await maintenance?.close();
    await stack?.stop();
  });

  it('runs as one job scheduler for all workers, hourly', async () => {
    expect(await maintenance.getJobScheduler('payload-retention')).toMatchObject({ every: 3_600_000, name: JobName.ClearPayloads });
  });

  it('clears the payloads of old processed events and keeps their rows; dead and ignored events keep theirs', async () => {
    const rows = await sql<{ event_id: string; status: string; kept: boolean }>(
      'SELECT event_id, status, payload IS NOT NULL AS kept FROM event_log ORDER BY event_id',
    );
    expect(Object.fromEntries(rows.map((row) => [row.event_id, row.kept]))).toEqual({
      ...Object.fromEntries(processed.map((id) => [id, false])),
      [ignored]: true,
      [DEAD.id]: true,
    });
    for (const id of processed) expect(await stack.client.json(`/events/${id}`)).toMatchObject({ eventId: id, status: 'processed' });
  });

  it('still deduplicates a cleared event, even once intake has forgotten it and its job is gone', async () => {
    expect(await stack.client.deliver(fixtureBytes(PROCESSED[0]))).toMatchObject({ status: 'duplicate' });
    const bookings = new Queue(QueueName.Bookings, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await (await bookings.getJob(eventJobId(processed[0])))!.remove();
      await redis.del(seenKey(stack.prefix, processed[0]));
      expect(await stack.client.deliver(fixtureBytes(PROCESSED[0]))).toMatchObject({ status: 'queued' });
      const job = await waitFor(async () => {
        const found = await bookings.getJob(eventJobId(processed[0]));
        // finishedOn and returnvalue come from one read of the job; its state read apart could be newer than them.
        return found?.finishedOn !== undefined ? found : undefined;
      });
      expect(job.returnvalue).toBe('duplicate');
    } finally {
      await bookings.close();
      redis.disconnect();
    }
    const [row] = await sql<{ attempts: number; kept: boolean }>(
      'SELECT attempts, payload IS NOT NULL AS kept FROM event_log WHERE event_id = $1',
      [processed[0]],
    );
    expect(row).toEqual({ attempts: 1, kept: false });
  });

  it('refuses a rebuild over cleared payloads unless told to skip them, and then lists them', async () => {
    const refused = await stack.client.adminPost('/admin/rebuild');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: string; cleared: Cleared };
    expect(body).toMatchObject({ error: 'payloads_cleared', cleared: { count: processed.length } });
    expect([...body.cleared.eventIds].sort()).toEqual([...processed].sort());

    const forced = await stack.client.adminRun('/admin/rebuild', { skipClearedPayloads: true });
    expect(forced.status).toBe('succeeded');
    const report = forced.progress as unknown as { events: number; skippedPayloadsCleared: Cleared };
    expect(report.events).toBe(0);
    expect(report.skippedPayloadsCleared.count).toBe(processed.length);
  });

  it('refuses a replay of a range with cleared payloads unless told to skip them; the rest is replayed', async () => {
    const range = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };
    const refused = await stack.client.adminPost('/admin/replay', range);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'payloads_cleared', cleared: { count: processed.length } });

    const forced = await stack.client.adminRun('/admin/replay', { ...range, skipClearedPayloads: true });
    expect(forced.status).toBe('succeeded');
    const result = forced.progress as unknown as { matched: number; queued: number; skippedPayloadsCleared: Cleared };
    expect(result).toMatchObject({ matched: processed.length + 2, queued: 2, alreadyProcessed: 0 });
    expect([...result.skippedPayloadsCleared.eventIds].sort()).toEqual([...processed].sort());
    await stack.client.settled(DEAD.id, ['processed']);
  });
});
