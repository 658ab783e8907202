import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readLocation } from '@app/flexport';
import { iso } from '@app/database';
import { decodeCursor, Page, pageOf } from '../http/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../http/query.js';
import type { TimelineItemView } from './views.js';

interface TimelineRow {
  event_id: string;
  type: string;
  category: string;
  name: string | null;
  status: string;
  occurred_at: Date | null;
  /** occurred_at as Postgres prints it, so a cursor round-trips exactly; null sorts last. */
  occurred_key: string | null;
  location: unknown;
}

/**
 * A shipment's timeline: every event of the log that names it (event_log.shipment_id), whatever its
 * type or status, ascending by (occurredAt, eventId) with the few events without a readable date last.
 */
@Injectable()
export class TimelineReader {
  constructor(private readonly dataSource: DataSource) {}

  /** Null when the shipment is unknown: no event names it and it has no row. */
  async page(shipmentId: string, query: { limit?: number; cursor?: string }): Promise<Page<TimelineItemView> | null> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [afterOccurred, afterId] = query.cursor ? decodeCursor(query.cursor, ['optionalTimestamptz', 'text']) : [null, null];
    const rows: TimelineRow[] = await this.dataSource.query(
      `SELECT event_id, type, category, name, status, occurred_at, occurred_at::text AS occurred_key,
              COALESCE(payload->'data'->'location', timeline_location) AS location
         FROM event_log
        WHERE shipment_id = $1
          AND ($3::text IS NULL OR CASE
                WHEN $2::timestamptz IS NULL THEN occurred_at IS NULL AND event_id > $3
                ELSE (occurred_at, event_id) > ($2, $3) OR occurred_at IS NULL END)
        ORDER BY occurred_at NULLS LAST, event_id
        LIMIT $4`,
      [shipmentId, afterOccurred || null, afterId, limit + 1],
    );
    if (rows.length === 0 && !query.cursor) {
      const [known] = await this.dataSource.query('SELECT 1 FROM shipments WHERE id = $1', [shipmentId]);
      if (!known) return null;
    }
    return pageOf(rows, limit, view, (row) => [row.occurred_key ?? '', row.event_id]);
  }
}

function view(row: TimelineRow): TimelineItemView {
  return {
    eventId: row.event_id,
    type: row.type,
    category: row.category,
    name: row.name,
    status: row.status,
    occurredAt: iso(row.occurred_at),
    location: readLocation(row.location),
  };
}
