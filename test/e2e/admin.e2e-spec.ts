import { fixtureBytes } from '../support/fixtures.js';
import { ApiStack, startApiStack, waitFor } from '../support/api-stack.js';
import { PROJECTION_TABLES } from '../support/projection-tables.js';

const FIXTURES = [
  'compact/booking-amended.json',
  'compact/container-loaded.json',
  'compact/document-bill-of-lading.json',
  'compact/eta-updated.json',
  'compact/invoice-freight-ready.json',
  'compact/milestone-departed.json',
  'compact/purchase-order-created.json',
  'flexport-v2/container-loaded-on-board.json',
  'flexport-v2/shipment-customs-released.json',
  'flexport-v2/shipment-leg-departed.json',
  'flexport-v2/shipment-leg-eta-updated.json',
  'flexport-v2/unknown-future-type.json',
  'flexport-v2/shipment-vessel-delay.json',
  'flexport-v2/shipment-customs-agriculture-hold.json',
  'flexport-v2/shipment-cargo-ready-date-changed.json',
  'flexport-v2/invoice-payment-made.json',
  'flexport-v2/document-uploaded.json',
  'flexport-v2/container-free-time-to-expire.json',
];
const INVALID = JSON.stringify({
  id: 'evt_admin_invalid',
  type: 'shipment.milestone',
  data: { shipment_id: 'SHP-ADMIN', milestone: 'teleported', occurred_at: '2026-03-05T00:00:00Z' },
});
const NOT_AN_EVENT = '["signed", "but not an event"]';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface DeadLetter {
  id: string;
  eventId: string | null;
  reason: string;
  lastError: string | null;
  receivedAt: string;
  replayCount: number;
  resolvedAt: string | null;
}

function bookingEnvelope(id: string, bookingId: string, type: 'booking.confirmed' | 'booking.amended', occurredAt: string) {
  return { id, type, data: { booking_id: bookingId, shipment_id: 'SHP-REPLAY', occurred_at: occurredAt } };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('admin API', () => {
  let stack: ApiStack;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => stack.db.dataSource.query(text, params);

  /**
   * An event as the log holds it after its retries ran out while the database was away: the state of the
   * pipeline that the e2e run cannot otherwise reach in seconds.
   */
  async function seedDeadEvent(envelope: ReturnType<typeof bookingEnvelope>, category: string, name: string, status = 'dead') {
    const occurredAt = envelope.data.occurred_at;
    await sql(
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, payload, status, attempts, last_error)
       VALUES ($1, $2, $3, $4, $5, now(), $6::jsonb, $7, 12, 'QueryFailedError: connection refused')`,
      [envelope.id, envelope.type, category, name, occurredAt, JSON.stringify(envelope), status],
    );
    if (status === 'dead') {
      await sql(
        `INSERT INTO dead_letters (event_id, reason, last_error, type, category, received_at, payload, attempts, dead_lettered_at)
         VALUES ($1, 'retries_exhausted', 'QueryFailedError: connection refused', $2, $3, now(), $4::jsonb, 12, now())`,
        [envelope.id, envelope.type, category, JSON.stringify(envelope)],
      );
    }
  }

  async function snapshot(): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const table of PROJECTION_TABLES)
      tables[table] = await sql(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`);
    return tables;
  }

  beforeAll(async () => {
    stack = await startApiStack('admin');
    const ids: string[] = [];
    for (const fixture of FIXTURES) ids.push((await stack.client.deliver(fixtureBytes(fixture))).eventId!);
    ids.push((await stack.client.deliver(INVALID)).eventId!);
    expect(await stack.client.deliver(NOT_AN_EVENT)).toEqual({ status: 'quarantined' });
    for (const id of ids) await stack.client.settled(id);
    await waitFor(async () => ((await sql(`SELECT 1 FROM dead_letters WHERE reason = 'quarantined'`)).length > 0 ? true : undefined), {
      what: 'the quarantined body to reach the dead letters',
    });
  }, 120_000);

  afterAll(() => stack?.stop());

  describe('GET /admin/dead-letters', () => {
    it('lists invalid events and quarantined bodies with eventId, reason, lastError and receivedAt', async () => {
      const page = await stack.client.adminJson<Page<DeadLetter>>('/admin/dead-letters');
      expect(page.nextCursor).toBeNull();
      const invalid = page.items.find((entry) => entry.eventId === 'evt_admin_invalid');
      expect(invalid).toMatchObject({ reason: 'invalid_event', lastError: expect.stringContaining('teleported'), resolvedAt: null });
      expect(invalid?.receivedAt).toMatch(/Z$/);
      const quarantined = page.items.find((entry) => entry.reason === 'quarantined');
      expect(quarantined).toMatchObject({ eventId: null, lastError: 'body is not a JSON object' });
    });

    it('pages one entry at a time and filters by reason', async () => {
      const first = await stack.client.adminJson<Page<DeadLetter>>('/admin/dead-letters?limit=1');
      expect(first.items).toHaveLength(1);
      const second = await stack.client.adminJson<Page<DeadLetter>>(`/admin/dead-letters?limit=1&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(1);
      expect(second.items[0].id).not.toBe(first.items[0].id);
      const quarantined = await stack.client.adminJson<Page<DeadLetter>>('/admin/dead-letters?reason=quarantined');
      expect(quarantined.items.map((entry) => entry.reason)).toEqual(['quarantined']);
    });
  });

  describe('POST /admin/dead-letters/:eventId/replay', () => {
    it('answers 404 for an event that is not dead-lettered, and for an unknown one', async () => {
      for (const eventId of ['evt_01JD7QN0W4H6J8K2L5P7R9T3VX', 'evt_never_seen']) {
        const response = await stack.client.adminPost(`/admin/dead-letters/${eventId}/replay`);
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ error: 'not_found' });
      }
    });

    it('applies an event whose retries ran out, and marks its dead letter resolved', async () => {
      const envelope = bookingEnvelope('evt_admin_exhausted', 'BKG-EXHAUSTED', 'booking.confirmed', '2026-03-10T09:00:00Z');
      await seedDeadEvent(envelope, 'booking', 'booking_confirmed');
      expect((await stack.client.get('/bookings/BKG-EXHAUSTED')).status).toBe(404);

      const response = await stack.client.adminPost('/admin/dead-letters/evt_admin_exhausted/replay');
      expect(response.status).toBe(202);
      const result = (await response.json()) as Record<string, string>;
      expect(result).toMatchObject({ eventId: 'evt_admin_exhausted', status: 'queued', previousStatus: 'dead' });
      expect(result.jobId).toMatch(/^ev-evt_admin_exhausted-replay-/);

      expect(await stack.client.settled('evt_admin_exhausted', ['processed'])).toMatchObject({ status: 'processed' });
      expect(await stack.client.json('/bookings/BKG-EXHAUSTED')).toMatchObject({ status: 'confirmed', shipmentId: 'SHP-REPLAY' });
      const [entry] = await sql<{ replay_count: number; resolved_at: Date | null }>(
        `SELECT replay_count, resolved_at FROM dead_letters WHERE event_id = 'evt_admin_exhausted'`,
      );
      expect(entry.replay_count).toBe(1);
      expect(entry.resolved_at).not.toBeNull();

      const again = await stack.client.adminPost('/admin/dead-letters/evt_admin_exhausted/replay');
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ status: 'already_processed', jobId: null });
    });

    it('runs an invalid event again, which dead-letters it again with its reason', async () => {
      const response = await stack.client.adminPost('/admin/dead-letters/evt_admin_invalid/replay');
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'queued', previousStatus: 'dead' });
      await waitFor(
        async () => {
          const [entry] = await sql<{ replay_count: number }>(`SELECT replay_count FROM dead_letters WHERE event_id = 'evt_admin_invalid'`);
          const event = await stack.client.json<{ status: string }>('/events/evt_admin_invalid');
          return entry.replay_count === 1 && event.status === 'dead' ? true : undefined;
        },
        { what: 'the invalid event to be dead again' },
      );
      const page = await stack.client.adminJson<Page<DeadLetter>>('/admin/dead-letters?reason=invalid_event');
      expect(page.items.find((entry) => entry.eventId === 'evt_admin_invalid')).toMatchObject({ replayCount: 1, resolvedAt: null });
    });
  });

  describe('POST /admin/replay', () => {
    it('re-runs only the stored events with occurredAt in [from, to) whose name or raw type is listed', async () => {
      const jan = bookingEnvelope('evt_window_jan', 'BKG-JAN', 'booking.confirmed', '2026-01-15T00:00:00Z');
      const feb = bookingEnvelope('evt_window_feb', 'BKG-FEB', 'booking.confirmed', '2026-02-01T00:00:00Z');
      const febAmended = bookingEnvelope('evt_window_feb_amended', 'BKG-FEB-AM', 'booking.amended', '2026-02-14T00:00:00Z');
      const mar = bookingEnvelope('evt_window_mar', 'BKG-MAR', 'booking.confirmed', '2026-03-01T00:00:00Z');
      await seedDeadEvent(jan, 'booking', 'booking_confirmed');
      await seedDeadEvent(feb, 'booking', 'booking_confirmed');
      await seedDeadEvent(febAmended, 'booking', 'booking_amended', 'ignored');
      await seedDeadEvent(mar, 'booking', 'booking_confirmed');

      const run = await stack.client.adminRun('/admin/replay', {
        from: '2026-02-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
        types: ['booking_confirmed', 'booking.amended'],
      });
      // The fixture's booking.amended (2026-02-20) matches too, but it is processed already.
      expect(run).toMatchObject({ kind: 'replay', status: 'succeeded', error: null });
      expect(run.progress).toEqual({ matched: 3, queued: 2, alreadyProcessed: 1 });

      await stack.client.settled('evt_window_feb', ['processed']);
      await stack.client.settled('evt_window_feb_amended', ['processed']);
      expect(await stack.client.json('/bookings/BKG-FEB')).toMatchObject({ status: 'confirmed' });
      expect(await stack.client.json('/bookings/BKG-FEB-AM')).toMatchObject({ status: 'amended' });
      // Outside the window: left alone.
      expect(await stack.client.json('/events/evt_window_jan')).toMatchObject({ status: 'dead' });
      expect(await stack.client.json('/events/evt_window_mar')).toMatchObject({ status: 'dead' });
      expect((await stack.client.get('/bookings/BKG-MAR')).status).toBe(404);
    });

    it('treats an empty list of types as every type, as when it is absent', async () => {
      const confirmed = bookingEnvelope('evt_all_types_confirmed', 'BKG-ALL-1', 'booking.confirmed', '2031-05-01T00:00:00Z');
      const amended = bookingEnvelope('evt_all_types_amended', 'BKG-ALL-2', 'booking.amended', '2031-05-02T00:00:00Z');
      await seedDeadEvent(confirmed, 'booking', 'booking_confirmed');
      await seedDeadEvent(amended, 'booking', 'booking_amended');

      const run = await stack.client.adminRun('/admin/replay', { from: '2031-05-01T00:00:00Z', to: '2031-06-01T00:00:00Z', types: [] });
      expect(run).toMatchObject({ kind: 'replay', status: 'succeeded', error: null });
      expect(run.progress).toEqual({ matched: 2, queued: 2, alreadyProcessed: 0 });
      await stack.client.settled('evt_all_types_confirmed', ['processed']);
      await stack.client.settled('evt_all_types_amended', ['processed']);
    });

    it('answers 202 with the run at once, and counts processed events as already applied instead of running them twice', async () => {
      const response = await stack.client.adminPost('/admin/replay', {
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
        types: ['/shipment_leg#departed'],
      });
      expect(response.status).toBe(202);
      const started = (await response.json()) as { runId: string; status: string };
      expect(started).toMatchObject({ kind: 'replay', status: 'running', runId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const run = await waitFor(async () => {
        const current = await stack.client.adminJson<{ status: string; progress: unknown }>(`/admin/replay/${started.runId}`);
        return current.status === 'running' ? undefined : current;
      });
      expect(run).toMatchObject({ status: 'succeeded', progress: { matched: 1, queued: 0, alreadyProcessed: 1 } });
    });

    const window = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    it.each([
      [{}, 'from'],
      [{ to: window.to }, 'from'],
      [{ from: window.from }, 'to'],
      [{ ...window, from: 'last tuesday' }, 'from'],
      [{ ...window, to: 20260301 }, 'to'],
      [{ ...window, types: 'departed' }, 'types'],
      [{ ...window, types: [42] }, 'types'],
      [{ ...window, since: '2026-01-01T00:00:00Z' }, 'since'],
      [{ from: window.to, to: window.from }, 'to must be after from'],
    ])('rejects %j with 400', async (body, field) => {
      const response = await stack.client.adminPost('/admin/replay', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string[] }).message.join(' ')).toContain(field);
    });

    it('answers 404 for a run id it does not know', async () => {
      expect((await stack.client.adminGet('/admin/replay/7d0d1f5c-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await stack.client.adminGet('/admin/replay/not-a-uuid')).status).toBe(400);
    });
  });

  describe('POST /admin/rebuild', () => {
    it('rebuilds exactly the state it replaced, write times included', async () => {
      const before = await snapshot();
      const shipment = await stack.client.json('/shipments/104233');
      const run = await stack.client.adminRun('/admin/rebuild');
      expect(run).toMatchObject({ kind: 'rebuild', status: 'succeeded' });
      const report = run.progress as { events: number; projections: Array<Record<string, number | string>> };
      const processed = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM event_log WHERE status = 'processed'`);
      expect(report.events).toBe(processed[0].n);
      for (const table of PROJECTION_TABLES) {
        const stats = report.projections.find((p) => p.table === table)!;
        expect(stats.before).toBe(before[table].length);
        expect(stats).toEqual({ table, before: stats.before, after: stats.before, unchanged: stats.before });
      }
      expect(await snapshot()).toEqual(before);
      expect(await stack.client.json('/shipments/104233')).toEqual(shipment);
    });

    it('repairs a projection that drifted from the event log, and says what it changed', async () => {
      const healthy = await snapshot();
      await sql(`DELETE FROM bookings WHERE id = 'BKG-88120'`);
      await sql(`UPDATE shipments SET status = 'delivered' WHERE id = '104233'`);
      await sql(`DELETE FROM shipment_milestones WHERE event_id = '2208377'`);
      await sql(`DELETE FROM shipment_exceptions WHERE event_id = '2208360'`);

      const run = await stack.client.adminRun('/admin/rebuild');
      expect(run.status).toBe('succeeded');
      const report = run.progress as { projections: Array<{ table: string; before: number; after: number; unchanged: number }> };
      const stats = Object.fromEntries(report.projections.map((p) => [p.table, p]));
      expect(stats.bookings).toMatchObject({ before: healthy.bookings.length - 1, after: healthy.bookings.length });
      expect(stats.bookings.unchanged).toBe(healthy.bookings.length - 1);
      expect(stats.shipments.unchanged).toBe(healthy.shipments.length - 1);
      expect(stats.shipment_milestones.after).toBe(healthy.shipment_milestones.length);
      expect(stats.shipment_exceptions).toMatchObject({ before: 1, after: 2, unchanged: 1 });

      const content = (rows: unknown[]) =>
        rows
          .map((r) => {
            const { created_at: _c, updated_at: _u, recorded_at: _r, ...rest } = (r as { row: Record<string, unknown> }).row;
            return JSON.stringify(rest);
          })
          .sort();
      const repaired = await snapshot();
      for (const table of PROJECTION_TABLES) expect(content(repaired[table])).toEqual(content(healthy[table]));
      expect(await stack.client.json('/shipments/104233')).toMatchObject({ status: 'customs_cleared' });
    });

    it('keeps serving reads while it waits for a writer, and answers 202 at once', async () => {
      const booking = await stack.client.json('/bookings/BKG-88120');
      const shipment = await stack.client.json('/shipments/104233');
      // A worker's transaction that has written bookings and not committed yet.
      const writer = stack.db.dataSource.createQueryRunner();
      await writer.connect();
      await writer.startTransaction();
      try {
        await writer.query(`UPDATE bookings SET id = id WHERE id = 'BKG-88120'`);
        const response = await stack.client.adminPost('/admin/rebuild');
        expect(response.status).toBe(202);
        const { runId } = (await response.json()) as { runId: string };
        // The rebuild reaches bookings and waits for that writer (the other tables are rebuilt already or still to come).
        await waitFor(
          async () => {
            const rows = await sql(
              `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'bookings' AND NOT l.granted`,
            );
            return rows.length > 0 ? true : undefined;
          },
          { what: 'the rebuild to wait for the bookings writer' },
        );
        const reads = await Promise.all([
          timed(() => stack.client.json('/bookings/BKG-88120')),
          timed(() => stack.client.json('/shipments/104233')),
          timed(() => stack.client.json('/events?limit=5')),
        ]);
        expect(reads[0].value).toEqual(booking);
        expect(reads[1].value).toEqual(shipment);
        for (const read of reads) expect(read.ms).toBeLessThan(1000);
        expect((await stack.client.adminJson(`/admin/rebuild/${runId}`)).status).toBe('running');
        // A second rebuild meanwhile: 409, naming the one that runs.
        const second = await stack.client.adminPost('/admin/rebuild');
        expect(second.status).toBe(409);
        expect(await second.json()).toMatchObject({ error: 'run_in_progress', runId });
        await writer.commitTransaction();
        const done = await waitFor(async () => {
          const run = await stack.client.adminJson<{ status: string }>(`/admin/rebuild/${runId}`);
          return run.status === 'running' ? undefined : run;
        });
        expect(done).toMatchObject({ status: 'succeeded' });
      } finally {
        if (writer.isTransactionActive) await writer.rollbackTransaction();
        await writer.release();
      }
    });

    it('takes over from a rebuild whose process died (no heartbeat for a minute)', async () => {
      const [{ id }] = await sql<{ id: string }>(
        `INSERT INTO admin_runs (id, kind, status, heartbeat_at) VALUES (gen_random_uuid(), 'rebuild', 'running', now() - interval '2 minutes') RETURNING id`,
      );
      const run = await stack.client.adminRun('/admin/rebuild');
      expect(run.status).toBe('succeeded');
      expect(await stack.client.adminJson(`/admin/rebuild/${id}`)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('abandoned'),
      });
    });
  });
});
