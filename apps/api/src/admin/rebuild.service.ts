import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { RunContext, throwIfStopped } from '@app/admin-runs';
import { queryRows } from '@app/database';
import { Envelope, EventCategory, normalizeEvent } from '@app/flexport';
import { ClearedPayloads, EventReplayQueries, HandlerRegistry } from '@app/processing';
import type { ProjectionRebuildStats, RebuildReport } from './admin.dto.js';
import { payloadsToSkip } from './payloads-cleared.js';

/** Serialises the rebuild's transactions across processes (transaction-scoped advisory lock). */
export const REBUILD_LOCK_KEY = 727_190_002;
/** Where the rebuild builds its copy of the projections (created by a migration). */
export const SHADOW_SCHEMA = 'projection_rebuild';
const APPLIED = 'applied_events';
const BATCH = 500;

interface Projection {
  table: string;
  keys: string[];
  columns: string[];
  createTimes: string[];
  writeTimes: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Rebuilds the projections from the event log without stopping reads, and stopping writes to one
 * table at a time only, briefly. The domain handlers the worker uses re-apply every processed event
 * into shadow tables (same columns and indexes, in their own schema, put first on the search path of
 * the rebuild's transactions, so the handlers' unqualified SQL lands there). Then each live table in
 * turn is locked against writers (EXCLUSIVE: reads go on), the events processed meanwhile are applied
 * to the shadow too, and the live table is brought to the shadow's content: rows that differ are
 * updated, missing ones inserted, extra ones deleted; identical rows are not touched and keep their
 * createdAt/updatedAt, and the report counts them. Each transaction is short and holds no session
 * state, so this works through a pooler. No notification is sent (the API process has no milestone
 * listener). Runs in the background as an admin run (one at a time).
 */
@Injectable()
export class RebuildService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: HandlerRegistry,
    private readonly replays: EventReplayQueries,
  ) {}

  onApplicationBootstrap(): void {
    const missing = this.registry.missingCategories();
    if (missing.length > 0) throw new Error(`rebuild cannot re-apply categories without a handler: ${missing.join(', ')}`);
  }

  /**
   * With payload retention on, some processed events may have no payload left to re-apply: the rebuild
   * is refused (409 `payloads_cleared`, before any run starts) unless `skipClearedPayloads`; it then
   * rebuilds from the events it still holds (the skipped ones' effects are lost). Null when there are none.
   */
  async clearedPayloads({ skipClearedPayloads = false }: { skipClearedPayloads?: boolean } = {}): Promise<ClearedPayloads | null> {
    return payloadsToSkip('event log', await this.replays.clearedPayloads(this.dataSource.manager, 'all'), skipClearedPayloads);
  }

  async rebuild(run: RunContext<RebuildReport>, skipped: ClearedPayloads | null = null): Promise<RebuildReport> {
    const started = Date.now();
    const projections = this.projections().map((target) => this.describe(target));
    const report: RebuildReport = { events: 0, projections: [], durationMs: 0, ...(skipped ? { skippedPayloadsCleared: skipped } : {}) };
    const live = await this.prepare(projections);
    try {
      for (let after = ''; ;) {
        throwIfStopped(run.signal);
        const batch = await this.reapplyBatch(live, after);
        report.events += batch.count;
        run.progress({ ...report, durationMs: Date.now() - started });
        if (batch.last === null) break;
        after = batch.last;
      }
      for (const projection of projections) {
        throwIfStopped(run.signal);
        const { stats, caughtUp } = await this.sync(live, projection);
        report.events += caughtUp;
        report.projections.push(stats);
        run.progress({ ...report, durationMs: Date.now() - started });
      }
    } finally {
      await this.dropShadow(projections).catch((error: unknown) =>
        this.logger.warn({ msg: 'rebuild: shadow tables not dropped', error: String(error) }),
      );
    }
    report.durationMs = Date.now() - started;
    this.logger.log({ msg: 'projections rebuilt from the event log', ...report });
    return report;
  }

  /** The tables the event handlers declare as derived from the event log, in one order (by name). */
  private projections(): EntityTarget<ObjectLiteral>[] {
    const tables = new Set([...this.registry.all().values()].flatMap((handler) => handler.projections));
    const name = (target: EntityTarget<ObjectLiteral>) => this.dataSource.getMetadata(target).tableName;
    return [...tables].sort((a, b) => name(a).localeCompare(name(b)));
  }

  private describe(target: EntityTarget<ObjectLiteral>): Projection {
    const metadata = this.dataSource.getMetadata(target);
    return {
      table: metadata.tableName,
      keys: metadata.primaryColumns.map((column) => column.databaseName),
      columns: metadata.columns.map((column) => column.databaseName),
      createTimes: metadata.createDateColumn ? [metadata.createDateColumn.databaseName] : [],
      writeTimes: [metadata.createDateColumn, metadata.updateDateColumn]
        .filter((column) => column !== undefined)
        .map((column) => column.databaseName),
    };
  }

  /** A transaction whose unqualified table names are the shadow tables (event_log and the rest stay live). */
  private inShadow<T>(live: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await this.exclusive(manager);
      await manager.query(`SET LOCAL search_path TO ${quote(SHADOW_SCHEMA)}, ${quote(live)}`);
      return work(manager);
    });
  }

  private async exclusive(manager: EntityManager): Promise<void> {
    const [{ locked }] = await queryRows<{ locked: boolean }>(manager, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [
      REBUILD_LOCK_KEY,
    ]);
    if (!locked) throw new Error('another rebuild is working on the shadow tables');
  }

  /** Empty shadow tables shaped like the live ones, and the set of events processed by now. */
  private prepare(projections: readonly Projection[]): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await this.exclusive(manager);
      const [{ schema }] = await queryRows<{ schema: string }>(manager, 'SELECT current_schema() AS schema');
      for (const p of projections) {
        await manager.query(`DROP TABLE IF EXISTS ${quote(SHADOW_SCHEMA)}.${quote(p.table)}`);
        await manager.query(
          `CREATE UNLOGGED TABLE ${quote(SHADOW_SCHEMA)}.${quote(p.table)} (LIKE ${quote(schema)}.${quote(p.table)} INCLUDING ALL)`,
        );
      }
      await manager.query(`DROP TABLE IF EXISTS ${quote(SHADOW_SCHEMA)}.${APPLIED}`);
      await manager.query(`CREATE UNLOGGED TABLE ${quote(SHADOW_SCHEMA)}.${APPLIED} (event_id text PRIMARY KEY)`);
      await manager.query(
        `INSERT INTO ${quote(SHADOW_SCHEMA)}.${APPLIED} SELECT event_id FROM ${quote(schema)}.event_log WHERE status = 'processed' AND payload IS NOT NULL`,
      );
      return schema;
    });
  }

  private reapplyBatch(live: string, after: string): Promise<{ count: number; last: string | null }> {
    return this.inShadow(live, async (manager) => {
      const rows = await queryRows<{ event_id: string; payload: Envelope; received_at: Date }>(
        manager,
        `SELECT e.event_id, e.payload, e.received_at FROM ${APPLIED} a JOIN event_log e USING (event_id)
          WHERE a.event_id > $1 ORDER BY a.event_id LIMIT ${BATCH}`,
        [after],
      );
      for (const row of rows) await this.apply(manager, row);
      return { count: rows.length, last: rows.length < BATCH ? null : rows[rows.length - 1].event_id };
    });
  }

  private async apply(manager: EntityManager, row: { event_id: string; payload: Envelope; received_at: Date }): Promise<void> {
    const event = normalizeEvent(row.payload, row.event_id, row.received_at.toISOString());
    // Processed under an older catalogue, unknown to today's: it changes no projection.
    if (event.category === EventCategory.Unknown) return;
    const handler = this.registry.resolve(event.category);
    if (!handler) throw new Error(`no handler for category ${event.category} (event ${row.event_id})`);
    await handler.apply(manager, event);
  }

  /**
   * Brings one live table to the shadow's content while its writers wait (readers do not): first the
   * events processed since the rebuild began are applied to the shadow, so nothing a worker did
   * meanwhile is lost; a worker's later change lands on the rebuilt rows.
   */
  private sync(live: string, p: Projection): Promise<{ stats: ProjectionRebuildStats; caughtUp: number }> {
    return this.inShadow(live, async (manager) => {
      const target = `${quote(live)}.${quote(p.table)}`;
      const shadow = `${quote(SHADOW_SCHEMA)}.${quote(p.table)}`;
      await manager.query(`LOCK TABLE ${target} IN EXCLUSIVE MODE`);
      const missed = await queryRows<{ event_id: string; payload: Envelope; received_at: Date }>(
        manager,
        `SELECT e.event_id, e.payload, e.received_at FROM event_log e
          WHERE e.status = 'processed' AND e.payload IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${APPLIED} a WHERE a.event_id = e.event_id)
          ORDER BY e.event_id`,
      );
      for (const row of missed) await this.apply(manager, row);
      if (missed.length > 0) {
        await manager.query(`INSERT INTO ${APPLIED} SELECT unnest($1::text[])`, [missed.map((row) => row.event_id)]);
      }

      const content = (alias: string) => `(to_jsonb(${alias}) ${p.writeTimes.map((c) => `- '${c}'`).join(' ')})`;
      const sameKey = p.keys.map((k) => `t.${quote(k)} = s.${quote(k)}`).join(' AND ');
      const [{ before, unchanged }] = await queryRows<{ before: number; unchanged: number }>(
        manager,
        `SELECT (SELECT count(*) FROM ${target})::int AS before,
                (SELECT count(*) FROM ${target} t JOIN ${shadow} s ON ${sameKey} WHERE ${content('t')} = ${content('s')})::int AS unchanged`,
      );
      await manager.query(`DELETE FROM ${target} t WHERE NOT EXISTS (SELECT 1 FROM ${shadow} s WHERE ${sameKey})`);
      const assigned = p.columns.filter((c) => !p.keys.includes(c) && !p.createTimes.includes(c));
      if (assigned.length > 0) {
        await manager.query(
          `UPDATE ${target} t SET ${assigned.map((c) => `${quote(c)} = s.${quote(c)}`).join(', ')}
             FROM ${shadow} s WHERE ${sameKey} AND ${content('t')} <> ${content('s')}`,
        );
      }
      const columns = p.columns.map(quote).join(', ');
      await manager.query(
        `INSERT INTO ${target} (${columns}) SELECT ${p.columns.map((c) => `s.${quote(c)}`).join(', ')} FROM ${shadow} s
          WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${sameKey})`,
      );
      const [{ after }] = await queryRows<{ after: number }>(manager, `SELECT count(*)::int AS after FROM ${target}`);
      return { stats: { table: p.table, before, after, unchanged }, caughtUp: missed.length };
    });
  }

  private dropShadow(projections: readonly Projection[]): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      for (const p of projections) await manager.query(`DROP TABLE IF EXISTS ${quote(SHADOW_SCHEMA)}.${quote(p.table)}`);
      await manager.query(`DROP TABLE IF EXISTS ${quote(SHADOW_SCHEMA)}.${APPLIED}`);
    });
  }
}
