import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { iso } from '@app/database';
import { decodeCursor, Page, pageOf } from '../http/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../http/query.js';
import type { DeadLetterListQuery, DeadLetterView } from './admin.dto.js';

interface DeadLetterRow {
  id: string;
  event_id: string | null;
  reason: string;
  last_error: string | null;
  type: string | null;
  category: string | null;
  received_at: Date;
  dead_lettered_at: Date;
  attempts: number;
  replay_count: number;
  last_replayed_at: Date | null;
  resolved_at: Date | null;
  content_type: string | null;
  body_sha256: string | null;
  created_key: string;
}

function view(row: DeadLetterRow): DeadLetterView {
  return {
    id: String(row.id),
    eventId: row.event_id,
    reason: row.reason,
    lastError: row.last_error,
    type: row.type,
    category: row.category,
    receivedAt: iso(row.received_at)!,
    deadLetteredAt: iso(row.dead_lettered_at)!,
    attempts: row.attempts,
    replayCount: row.replay_count,
    lastReplayedAt: iso(row.last_replayed_at),
    resolvedAt: iso(row.resolved_at),
    contentType: row.content_type,
    bodySha256: row.body_sha256,
  };
}

@Injectable()
export class DeadLettersReader {
  constructor(private readonly dataSource: DataSource) {}

  /** Oldest first, by (createdAt, id): entries are never deleted, so pages never shift. */
  async list(query: DeadLetterListQuery): Promise<Page<DeadLetterView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [afterCreated, afterId] = query.cursor ? decodeCursor(query.cursor, ['timestamptz', 'bigint']) : [null, null];
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT id, event_id, reason, last_error, type, category, received_at, dead_lettered_at, attempts, replay_count,
              last_replayed_at, resolved_at, content_type, body_sha256, created_at::text AS created_key
         FROM dead_letters
        WHERE ($1::text IS NULL OR reason = $1)
          AND ($2::boolean IS NULL OR (resolved_at IS NOT NULL) = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::bigint))
        ORDER BY created_at, id
        LIMIT $5`,
      [query.reason ?? null, query.resolved ?? null, afterCreated, afterId, limit + 1],
    );
    return pageOf(rows, limit, view, (row) => [row.created_key, String(row.id)]);
  }

  async hasEvent(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM dead_letters WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }
}
