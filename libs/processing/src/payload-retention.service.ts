import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { iso, queryRows } from '@app/database';
import { PIPELINE_OBSERVER } from './pipeline-observer.js';
import type { PipelineObserver } from './pipeline-observer.js';

/** Serialises sweeps across worker processes (transaction-scoped advisory lock). */
export const PAYLOAD_RETENTION_LOCK_KEY = 727_190_018;

export interface RetentionOptions {
  /** Events per transaction: small, so that a sweep never holds many row locks or a long transaction. */
  batchSize: number;
  /** A sweep stops after this long and the next one goes on from where it stopped. */
  budgetMs: number;
  /** Pause between two batches, so the sweep yields to the event pipeline. */
  pauseMs: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { batchSize: 500, budgetMs: 60_000, pauseMs: 50 };

export interface RetentionSweep {
  /** Payloads cleared by this sweep. */
  cleared: number;
  /** False when the budget ran out (or another process held the lock) before the backlog was done. */
  finished: boolean;
  /** Where the sweep stands: the last processed event it passed. */
  through: { receivedAt: string; eventId: string } | null;
}

/**
 * Clears the payloads of processed events received more than `retentionDays` ago, in small batches:
 * the row (id, type, status, times) stays for deduplication and the event-log API; dead, failed,
 * ignored and queued events keep their payloads, as they may be replayed. The sweep walks the
 * event log's (status, received_at, event_id) index from a cursor kept in `payload_retention_cursor`,
 * so each run reads only what it clears. An event processed after the cursor passed its receipt time
 * (a dead letter replayed long after) keeps its payload.
 */
@Injectable()
export class PayloadRetention {
  private readonly logger = new Logger(PayloadRetention.name);

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(PIPELINE_OBSERVER) private readonly observer?: PipelineObserver,
  ) {}

  async sweep(retentionDays: number, now = new Date(), options: RetentionOptions = DEFAULT_RETENTION): Promise<RetentionSweep> {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    const started = Date.now();
    let cleared = 0;
    let through: RetentionSweep['through'] = null;
    for (;;) {
      const batch = await this.clearBatch(cutoff, options.batchSize);
      if (batch === null) {
        this.logger.log({ msg: 'payload retention: another process is sweeping', cleared });
        return { cleared, finished: false, through };
      }
      cleared += batch.cleared;
      through = batch.through ?? through;
      if (batch.cleared > 0) this.observer?.onPayloadsCleared?.(batch.cleared);
      if (batch.examined < options.batchSize) break;
      if (Date.now() - started >= options.budgetMs) {
        this.logger.log({ msg: 'payload retention: budget spent, the next run goes on', cleared, through });
        return { cleared, finished: false, through };
      }
      await sleep(options.pauseMs);
    }
    if (cleared > 0) this.logger.log({ msg: 'payload retention: payloads cleared', cleared, cutoff: cutoff.toISOString(), through });
    return { cleared, finished: true, through };
  }

  /** One batch in one transaction; null when another process holds the sweep's lock. */
  private clearBatch(cutoff: Date, limit: number) {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await queryRows<{ locked: boolean }>(manager, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [
        PAYLOAD_RETENTION_LOCK_KEY,
      ]);
      if (!locked) return null;
      const [cursor] = await queryRows<{ received_at: Date; event_id: string }>(
        manager,
        'SELECT received_at, event_id FROM payload_retention_cursor WHERE id = 1',
      );
      // The row comparison keeps the walk on the (status, received_at, event_id) index.
      const rows = await queryRows<{ event_id: string; received_at: Date }>(
        manager,
        `SELECT event_id, received_at FROM event_log
          WHERE status = 'processed' AND received_at < $1
            AND (status, received_at, event_id) > ('processed', $2::timestamptz, $3::text)
          ORDER BY status, received_at, event_id
          LIMIT $4`,
        [cutoff, cursor?.received_at ?? new Date(0), cursor?.event_id ?? '', limit],
      );
      if (rows.length === 0) return { examined: 0, cleared: 0, through: null };
      const updated = await queryRows(
        manager,
        `UPDATE event_log SET timeline_location = payload->'data'->'location', payload = NULL, payload_cleared_at = now(), updated_at = now()
          WHERE event_id = ANY($1::text[]) AND status = 'processed' AND payload IS NOT NULL
          RETURNING 1`,
        [rows.map((row) => row.event_id)],
      );
      const last = rows[rows.length - 1];
      await queryRows(
        manager,
        `INSERT INTO payload_retention_cursor (id, received_at, event_id) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET received_at = EXCLUDED.received_at, event_id = EXCLUDED.event_id, updated_at = now()`,
        [last.received_at, last.event_id],
      );
      return { examined: rows.length, cleared: updated.length, through: { receivedAt: iso(last.received_at)!, eventId: last.event_id } };
    });
  }
}
