import { ConflictException, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { queryRows } from '@app/database';
import { Envelope, EventCategory, normalizeEvent } from '@app/flexport';
import { HandlerRegistry } from '@app/processing';
import type { ProjectionRebuildStats, RebuildReport } from './admin.dto.js';

/** Serialises rebuilds across API processes (transaction-scoped advisory lock). */
export const REBUILD_LOCK_KEY = 727_190_002;
const BATCH = 500;

interface Projection {
  table: string;
  snapshot: string;
  keys: string[];
  writeTimes: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Rebuilds the projections from the event log: in ONE transaction it locks them, keeps a copy, empties
 * them and re-applies every processed event through the same domain handlers the worker uses. As state
 * is a function of the set of events, the result equals what the workers built; rows that come out
 * identical keep their createdAt/updatedAt, and the report counts them, so a rebuild that changed
 * nothing says so. Readers and workers wait on the table locks meanwhile; no notification is sent
 * (the API process has no milestone listener).
 */
@Injectable()
export class RebuildService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: HandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const missing = this.registry.missingCategories();
    if (missing.length > 0) throw new Error(`rebuild cannot re-apply categories without a handler: ${missing.join(', ')}`);
  }

  async rebuild(): Promise<RebuildReport> {
    const started = Date.now();
    const report = await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await queryRows<{ locked: boolean }>(manager, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [
        REBUILD_LOCK_KEY,
      ]);
      if (!locked) throw new ConflictException({ error: 'rebuild_in_progress', message: 'another rebuild is running' });
      const projections = this.projections().map((target) => this.describe(manager, target));
      const tables = projections.map((p) => quote(p.table)).join(', ');
      await manager.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
      for (const p of projections) {
        await manager.query(`CREATE TEMPORARY TABLE ${quote(p.snapshot)} ON COMMIT DROP AS SELECT * FROM ${quote(p.table)}`);
      }
      await manager.query(`TRUNCATE ${tables}`);
      const events = await this.reapply(manager);
      const stats: ProjectionRebuildStats[] = [];
      for (const p of projections) stats.push(await this.compare(manager, p));
      return { events, projections: stats };
    });
    const result = { ...report, durationMs: Date.now() - started };
    this.logger.log({ msg: 'projections rebuilt from the event log', ...result });
    return result;
  }

  /** The tables the event handlers declare as derived from the event log, in one order (by name) every rebuild locks them in. */
  private projections(): EntityTarget<ObjectLiteral>[] {
    const tables = new Set([...this.registry.all().values()].flatMap((handler) => handler.projections));
    const name = (target: EntityTarget<ObjectLiteral>) => this.dataSource.getMetadata(target).tableName;
    return [...tables].sort((a, b) => name(a).localeCompare(name(b)));
  }

  private describe(manager: EntityManager, target: EntityTarget<ObjectLiteral>): Projection {
    const metadata = manager.connection.getMetadata(target);
    return {
      table: metadata.tableName,
      snapshot: `rebuild_previous_${metadata.tableName}`,
      keys: metadata.primaryColumns.map((column) => column.databaseName),
      writeTimes: [metadata.createDateColumn, metadata.updateDateColumn]
        .filter((column) => column !== undefined)
        .map((column) => column.databaseName),
    };
  }

  private async reapply(manager: EntityManager): Promise<number> {
    let count = 0;
    let after = '';
    for (;;) {
      const rows = await queryRows<{ event_id: string; payload: Envelope; received_at: Date }>(
        manager,
        `SELECT event_id, payload, received_at FROM event_log
          WHERE status = 'processed' AND event_id > $1 ORDER BY event_id LIMIT ${BATCH}`,
        [after],
      );
      for (const row of rows) {
        const event = normalizeEvent(row.payload, row.event_id, row.received_at.toISOString());
        // Processed under an older catalogue, unknown to today's: it changes no projection.
        if (event.category === EventCategory.Unknown) continue;
        const handler = this.registry.resolve(event.category);
        if (!handler) throw new Error(`no handler for category ${event.category} (event ${row.event_id})`);
        await handler.apply(manager, event);
        count++;
      }
      if (rows.length < BATCH) return count;
      after = rows[rows.length - 1].event_id;
    }
  }

  /** Restores the write times of rows that came out identical, and counts them. */
  private async compare(manager: EntityManager, p: Projection): Promise<ProjectionRebuildStats> {
    const content = (alias: string) => `(to_jsonb(${alias}) ${p.writeTimes.map((c) => `- '${c}'`).join(' ')})`;
    const sameKey = p.keys.map((k) => `t.${quote(k)} = s.${quote(k)}`).join(' AND ');
    const restore = p.writeTimes.length > 0 ? p.writeTimes.map((c) => `${quote(c)} = s.${quote(c)}`).join(', ') : null;
    const unchanged = restore
      ? await queryRows(
          manager,
          `UPDATE ${quote(p.table)} AS t SET ${restore} FROM ${quote(p.snapshot)} AS s
            WHERE ${sameKey} AND ${content('t')} = ${content('s')} RETURNING 1`,
        )
      : await queryRows(
          manager,
          `SELECT 1 FROM ${quote(p.table)} t JOIN ${quote(p.snapshot)} s ON ${sameKey} AND to_jsonb(t) = to_jsonb(s)`,
        );
    const [{ before, after }] = await queryRows<{ before: number; after: number }>(
      manager,
      `SELECT (SELECT count(*) FROM ${quote(p.snapshot)})::int AS before, (SELECT count(*) FROM ${quote(p.table)})::int AS after`,
    );
    return { table: p.table, before, after, unchanged: unchanged.length };
  }
}
