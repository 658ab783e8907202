import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PAYLOAD_RETENTION_LOCK_KEY, PayloadRetention } from '@app/processing';
import { TimelineReader } from '../../../apps/api/src/read/timeline.reader.js';
import { createTestDatabase, TestDatabase } from '../../support/database.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const FAST = { batchSize: 2, budgetMs: 60_000, pauseMs: 0 };

describe('payload retention against Postgres', () => {
  let db: TestDatabase;
  let retention: PayloadRetention;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => db.dataSource.query(text, params);

  async function seed(eventId: string, status: string, receivedDaysAgo: number): Promise<void> {
    await sql(
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, payload, status)
       VALUES ($1, 'booking.confirmed', 'booking', 'booking_confirmed', $2, $2, $3::jsonb, $4)`,
      [
        eventId,
        daysAgo(receivedDaysAgo),
        JSON.stringify({ id: eventId, type: 'booking.confirmed', data: { note: 'x'.repeat(200) } }),
        status,
      ],
    );
  }

  async function payloads(): Promise<Record<string, 'kept' | 'cleared'>> {
    const rows = await sql<{ event_id: string; kept: boolean; cleared_at: Date | null }>(
      'SELECT event_id, payload IS NOT NULL AS kept, payload_cleared_at AS cleared_at FROM event_log ORDER BY event_id',
    );
    for (const row of rows) expect(row.kept).toBe(row.cleared_at === null);
    return Object.fromEntries(rows.map((row) => [row.event_id, row.kept ? 'kept' : 'cleared']));
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    retention = new PayloadRetention(db.dataSource);
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await sql('TRUNCATE event_log, payload_retention_cursor');
  });

  it('clears the payloads of processed events older than the retention, and only those', async () => {
    await seed('old-processed-1', 'processed', 40);
    await seed('old-processed-2', 'processed', 31);
    await seed('old-processed-3', 'processed', 35);
    await seed('old-dead', 'dead', 40);
    await seed('old-failed', 'failed', 40);
    await seed('old-ignored', 'ignored', 40);
    await seed('old-queued', 'queued', 40);
    await seed('new-processed', 'processed', 29);

    const sweep = await retention.sweep(30, NOW, FAST);

    expect(sweep).toMatchObject({ cleared: 3, finished: true, through: { eventId: 'old-processed-2' } });
    expect(await payloads()).toEqual({
      'new-processed': 'kept',
      'old-dead': 'kept',
      'old-failed': 'kept',
      'old-ignored': 'kept',
      'old-processed-1': 'cleared',
      'old-processed-2': 'cleared',
      'old-processed-3': 'cleared',
      'old-queued': 'kept',
    });
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE type IS NOT NULL AND status IS NOT NULL`);
    expect(rows[0].n).toBe(8);
  });

  it("keeps each cleared event's location, so a shipment's timeline still shows where it happened", async () => {
    const location = { name: 'Port of Yantian', country: 'CN' };
    await sql(
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, payload, status, shipment_id)
       VALUES ('old-departed', 'shipment.milestone', 'milestone', 'departed', $1, $1, $2::jsonb, 'processed', 'SHP-T')`,
      [daysAgo(40), JSON.stringify({ id: 'old-departed', type: 'shipment.milestone', data: { shipment_id: 'SHP-T', location } })],
    );
    const timeline = new TimelineReader(db.dataSource);
    const before = await timeline.page('SHP-T', {});
    await retention.sweep(30, NOW, FAST);
    expect(await payloads()).toEqual({ 'old-departed': 'cleared' });
    const after = await timeline.page('SHP-T', {});
    expect(after).toEqual(before);
    expect(after?.items[0].location).toEqual(location);
  });

  it('goes on from where it stopped: a later sweep reads only what came of age since', async () => {
    await seed('a', 'processed', 40);
    expect((await retention.sweep(30, NOW, FAST)).cleared).toBe(1);
    await seed('b', 'processed', 20);
    expect((await retention.sweep(30, NOW, FAST)).cleared).toBe(0);
    expect((await retention.sweep(30, new Date(NOW.getTime() + 11 * 86_400_000), FAST)).cleared).toBe(1);
    expect(await payloads()).toEqual({ a: 'cleared', b: 'cleared' });
    const [cursor] = await sql<{ event_id: string }>('SELECT event_id FROM payload_retention_cursor');
    expect(cursor.event_id).toBe('b');
  });

  it('stops when its time budget is spent and leaves the rest to the next run', async () => {
    for (let i = 0; i < 6; i++) await seed(`e${i}`, 'processed', 40);
    const first = await retention.sweep(30, NOW, { batchSize: 2, budgetMs: 0, pauseMs: 0 });
    expect(first).toMatchObject({ cleared: 2, finished: false });
    const rest = await retention.sweep(30, NOW, FAST);
    expect(rest).toMatchObject({ cleared: 4, finished: true });
  });

  it('does nothing while another process sweeps (advisory lock)', async () => {
    await seed('held', 'processed', 40);
    // Held in an open transaction, as a sweep holds it: a transaction pooler keeps one server connection for it.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [PAYLOAD_RETENTION_LOCK_KEY]);
      expect(await retention.sweep(30, NOW, FAST)).toMatchObject({ cleared: 0, finished: false });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await retention.sweep(30, NOW, FAST)).cleared).toBe(1);
  });

  it('the schema refuses a cleared payload on an event that may still be replayed', async () => {
    await seed('dead-one', 'dead', 40);
    await expect(sql(`UPDATE event_log SET payload = NULL, payload_cleared_at = now() WHERE event_id = 'dead-one'`)).rejects.toThrow(
      /chk_event_log_payload_cleared/,
    );
  });
});
