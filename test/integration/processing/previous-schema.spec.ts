import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { BookingsHandler } from '@app/bookings';
import { ContainersHandler } from '@app/containers';
import { buildDataSourceOptions, MIGRATIONS, runPendingMigrations } from '@app/database';
import { DocumentsHandler } from '@app/documents';
import {
  catalogueRank,
  classifyEnvelope,
  deriveEventId,
  Envelope,
  EventCategory,
  eventShipmentId,
  lookupType,
  normalizeEvent,
  NormalizedEvent,
  parseEnvelope,
} from '@app/flexport';
import { InvoicesHandler } from '@app/invoices';
import { MilestonesHandler } from '@app/milestones';
import { EventHandler, EventReplayQueries, HandlerRegistry } from '@app/processing';
import { PurchaseOrdersHandler } from '@app/purchase-orders';
import { RebuildService } from '../../../apps/api/src/admin/rebuild.service.js';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { fixtureBytes } from '../../support/fixtures.js';
import { createProcessingHarness, ProcessingHarness } from '../../support/processing.js';
import { REPO_ROOT } from '../../support/service-process.js';
import { buildEvents } from '../../support/signed-events.js';

/** The migrations that brought the v2 catalogue beyond the seed; the previous schema is every other one. */
const MINE = ['AddEventLogShipmentId1795800003000', 'AddShipmentExceptions1795800003100', 'AddV2ResourceFields1795800003200'];
const PREVIOUS = MIGRATIONS.filter((migration) => !MINE.includes(migration.name));
const PROJECTIONS = ['shipments', 'shipment_milestones', 'bookings', 'purchase_orders', 'invoices', 'documents', 'containers'];
const RECEIVED_AT = '2026-05-01T00:00:00.000Z';
/** The catalogue's original names: the previous code mapped only types named by them (and no resource). */
const ORIGINAL_NAMES = 19;

interface Stored {
  eventId: string;
  envelope: Envelope;
  /** Null when it can never apply: dead-lettered, by the previous code as by this one. */
  event: NormalizedEvent | null;
  /** As the previous catalogue classified it. */
  previous: { category: string; name: string | null };
}

/** Null for a body intake would have quarantined. */
function stored(body: Buffer): Stored | null {
  const parsed = parseEnvelope(body);
  if (!parsed.ok) return null;
  const eventId = deriveEventId(parsed.envelope, body);
  let event: NormalizedEvent | null;
  try {
    event = normalizeEvent(parsed.envelope, eventId, RECEIVED_AT);
  } catch {
    event = null;
  }
  const entry = lookupType(parsed.envelope.type);
  const known = entry !== undefined && (entry.name === null || catalogueRank(entry.name) < ORIGINAL_NAMES);
  const { category, name } = classifyEnvelope(parsed.envelope, eventId);
  return { eventId, envelope: parsed.envelope, event, previous: known ? { category, name } : { category: 'unknown', name: null } };
}

const previouslyMapped = (item: Stored) => item.event !== null && item.previous.category !== EventCategory.Unknown;

/** Values a sender might put where a shipment id is looked for: ids, near-ids and junk. */
const candidate = fc.oneof(
  fc.constantFrom(
    104233,
    0,
    -0,
    2 ** 53 - 1,
    2 ** 53,
    1.5,
    1e21,
    true,
    'SHP-1',
    '  SHP-2\u00a0\u2028',
    '   ',
    '',
    'x'.repeat(200),
    'x'.repeat(201),
    '🚢'.repeat(100),
    '🚢'.repeat(101),
  ),
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const reference = fc.oneof(candidate, fc.record({ id: candidate }, { requiredKeys: [] }));
const randomData = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        shipment_id: candidate,
        shipment: reference,
        resource: fc.oneof(
          candidate,
          fc.record(
            {
              _object: fc.constantFrom('/shipment', '/shipment_leg', '/invoice', '/document', 7),
              id: candidate,
              shipment: reference,
              shipments: fc.oneof(reference, fc.array(reference, { maxLength: 2 })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

describe('a database of the previous schema, brought forward by the migrations', () => {
  let previous: TestDatabase;
  let scratch: TestDatabase;
  let harness: ProcessingHarness;
  const events: Stored[] = [];
  const before = new Map<string, Record<string, unknown>[]>();

  const rows = (db: TestDatabase, table: string, columns = '*') =>
    db.dataSource.query(`SELECT ${columns} FROM "${table}" t ORDER BY to_jsonb(t)::text`) as Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    previous = await createTestDatabase({ migrate: false });
    const old = await new DataSource(buildDataSourceOptions(previous.url, { migrations: PREVIOUS, poolSize: 2 })).initialize();
    try {
      await runPendingMigrations(old, { log: () => undefined });
    } finally {
      await old.destroy();
    }

    // Every fixture, a realistic mix, and 2,300 bodies of an unknown type with anything where a shipment id is looked for.
    const fixtures = ['compact', 'flexport-v2'].flatMap((dir) =>
      readdirSync(resolve(REPO_ROOT, 'test/fixtures', dir)).map((file) => fixtureBytes(`${dir}/${file}`)),
    );
    const mix = buildEvents({ count: 300, secret: 'whsec_x', tag: 'previous-schema' }).map((event) => event.body);
    const random = fc
      .sample(randomData, { numRuns: 2300, seed: 1795800003 })
      .map((data, i) => Buffer.from(JSON.stringify({ id: `evt_rnd_${i}`, type: `/made_up#t${i % 7}`, data })));
    // Shipments cleared more than once: the latest clearance, then the larger event id as JavaScript compares
    // them (`evt_cc_tie_a` > `evt_cc_tie_B`, unlike most collations), must win the backfill.
    const cleared = (id: string, shipment: string, at: string) =>
      Buffer.from(
        JSON.stringify({ id, type: 'shipment.milestone', data: { shipment_id: shipment, milestone: 'customs_cleared', occurred_at: at } }),
      );
    const clearances = [
      cleared('evt_cc_early', '104233', '2026-03-20T00:00:00Z'),
      cleared('evt_cc_late', '104233', '2026-03-21T00:00:00Z'),
      cleared('evt_cc_tie_B', 'SHP-CC-TIE', '2026-03-21T00:00:00Z'),
      cleared('evt_cc_tie_a', 'SHP-CC-TIE', '2026-03-21T00:00:00Z'),
      cleared('evt_cc_tie_0', 'SHP-CC-TIE', '2026-03-20T00:00:00Z'),
    ];
    events.push(...[...fixtures, ...clearances, ...mix, ...random].map(stored).filter((item) => item !== null));

    // What the previous code left: its projections are today's, applied to the types it mapped, without
    // today's fields (its state rules are today's restricted to those types and fields).
    scratch = await createTestDatabase();
    const handlers: Record<string, EventHandler> = {};
    const milestones = new MilestonesHandler();
    for (const category of [EventCategory.Milestone, EventCategory.Transit]) handlers[category] = milestones;
    handlers[EventCategory.Booking] = new BookingsHandler();
    handlers[EventCategory.PurchaseOrder] = new PurchaseOrdersHandler();
    handlers[EventCategory.Invoice] = new InvoicesHandler();
    handlers[EventCategory.Document] = new DocumentsHandler();
    handlers[EventCategory.Container] = new ContainersHandler();
    for (const item of events.filter(previouslyMapped)) {
      await scratch.dataSource.transaction((manager) => handlers[item.event!.category].apply(manager, item.event!));
    }
    for (const table of PROJECTIONS) {
      const state = (await scratch.dataSource.query(
        table === 'shipments'
          ? `SELECT jsonb_set(to_jsonb(t), '{versions}', t.versions - 'customsStatus' - 'cargoReadyDate') AS row FROM shipments t`
          : `SELECT to_jsonb(t) AS row FROM "${table}" t`,
      )) as { row: unknown }[];
      await previous.dataSource.query(`INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)`, [
        JSON.stringify(state.map((r) => r.row)),
      ]);
    }
    const log = events.map((item) => ({
      event_id: item.eventId,
      type: item.envelope.type,
      ...item.previous,
      occurred_at: item.event?.occurredAt ?? null,
      received_at: RECEIVED_AT,
      payload: item.envelope,
      status: item.event === null ? 'dead' : item.previous.category === EventCategory.Unknown ? 'ignored' : 'processed',
      attempts: 1,
    }));
    await previous.dataSource.query(
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, payload, status, attempts)
       SELECT event_id, type, category, name, occurred_at, received_at, payload, status, attempts
         FROM jsonb_populate_recordset(NULL::event_log, $1::jsonb)`,
      [JSON.stringify(log)],
    );
    for (const table of [...PROJECTIONS, 'event_log']) before.set(table, await rows(previous, table));

    await runPendingMigrations(previous.dataSource, { log: () => undefined });
    harness = await createProcessingHarness(previous.dataSource, {
      providers: [MilestonesHandler, BookingsHandler, PurchaseOrdersHandler, InvoicesHandler, DocumentsHandler, ContainersHandler],
    });
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    await scratch?.drop();
    await previous?.drop();
  });

  it('was filled like a real one: every kind of event, processed, ignored and dead, more than a backfill batch', async () => {
    const statuses = await previous.dataSource.query(`SELECT status, count(*)::int AS n FROM event_log GROUP BY 1 ORDER BY 1`);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['dead', 'ignored', 'processed']);
    expect(events.length).toBeGreaterThan(2000);
    expect((before.get('shipments') ?? []).length).toBeGreaterThan(10);
    expect((before.get('invoices') ?? []).length).toBeGreaterThan(0);
  });

  it('keeps every row and every value it had', async () => {
    for (const table of [...PROJECTIONS, 'event_log']) {
      const kept = before.get(table)!;
      const columns = Object.keys(kept[0] ?? {}).map((column) => `"${column}"`);
      if (columns.length === 0) continue;
      const now = await rows(previous, table, columns.join(', '));
      const withoutCustoms = table === 'shipments' ? now.map((row) => ({ ...row, versions: strip(row.versions) })) : now;
      expect({ table, rows: sortRows(withoutCustoms) }).toEqual({ table, rows: sortRows(kept) });
    }
  });

  it('records on every event the shipment it names, exactly as the pipeline does for a new one', async () => {
    const logged: { event_id: string; payload: Envelope; shipment_id: string | null }[] = await previous.dataSource.query(
      'SELECT event_id, payload, shipment_id FROM event_log',
    );
    expect(logged).toHaveLength(events.length);
    const differing = logged.filter((row) => row.shipment_id !== eventShipmentId(row.payload));
    expect(differing).toEqual([]);
    const named = logged.filter((row) => row.shipment_id !== null).length;
    expect(named).toBeGreaterThan(300);
    expect(named).toBeLessThan(logged.length);
    const [{ indexed }] = await previous.dataSource.query(
      `SELECT count(*)::int AS indexed FROM pg_indexes WHERE indexname = 'idx_event_log_shipment'`,
    );
    expect(indexed).toBe(1);
  });

  it('marks the shipments cleared by customs released, exactly as re-applying the log would: a rebuild changes no row', async () => {
    const released = await previous.dataSource.query(
      `SELECT count(*)::int AS n FROM shipments WHERE customs_status = 'released' AND versions ? 'customsStatus'`,
    );
    const cleared = await previous.dataSource.query(
      `SELECT count(DISTINCT shipment_id)::int AS n FROM shipment_milestones WHERE milestone = 'customs_cleared'`,
    );
    expect(released[0].n).toBe(cleared[0].n);
    expect(released[0].n).toBeGreaterThan(0);

    const rebuild = new RebuildService(previous.dataSource, harness.module.get(HandlerRegistry), harness.module.get(EventReplayQueries));
    const report = await rebuild.rebuild({ runId: 'previous-schema', signal: new AbortController().signal, progress: () => undefined });
    for (const stats of report.projections) {
      expect(stats).toEqual({ table: stats.table, before: stats.before, after: stats.before, unchanged: stats.before });
    }
    expect(report.projections.map((stats) => stats.table)).toContain('shipment_exceptions');
  });

  it('lets the events the previous code ignored be replayed now that their types are supported', async () => {
    const ignored = events.filter((item) => !previouslyMapped(item) && item.event && item.event.category !== EventCategory.Unknown);
    expect(ignored.map((item) => item.envelope.type)).toEqual(
      expect.arrayContaining(['/shipment#customs_agriculture_hold', '/invoice#invoice_payment_made', '/document#archived']),
    );
    for (const item of ignored) expect(await harness.pipeline.reprocess(item.eventId)).toBe('processed');
    const [shipment] = await previous.dataSource.query(
      `SELECT customs_status, cargo_ready_date::text AS date FROM shipments WHERE id = '104233'`,
    );
    // The hold (09:15) came before the release (18:58).
    expect(shipment).toEqual({ customs_status: 'released', date: '2026-02-27' });
    const exceptions = await previous.dataSource.query(
      `SELECT reason FROM shipment_exceptions WHERE shipment_id = '104233' ORDER BY occurred_at`,
    );
    expect(exceptions.map((e: { reason: string }) => e.reason)).toEqual(['vessel_delay_port_congestion', 'customs_agriculture_hold']);
    const [invoice] = await previous.dataSource.query(
      `SELECT status, balance_amount::text AS balance FROM invoices WHERE id = 'p3Xk8TqLQm2rVn5sWc9yZA'`,
    );
    expect(invoice).toEqual({ status: 'paid', balance: '0.00' });
  });
});

function strip(versions: unknown): unknown {
  const { customsStatus: _customs, ...rest } = versions as Record<string, unknown>;
  return rest;
}

function sortRows(rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
}
