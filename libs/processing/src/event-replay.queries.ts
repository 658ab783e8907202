import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Envelope } from '@app/flexport';
import { queryRows } from '@app/database';
import type { EventStatus } from './event-log.entity.js';

export interface ReplayCursor {
  eventId: string;
  occurredAt: string | null;
}

export interface StoredEvent {
  eventId: string;
  envelope: Envelope;
  receivedAt: string;
  status: EventStatus;
}

/** The event log read back for replays: one stored event, or the events a bulk replay selects. Reads only. */
@Injectable()
export class EventReplayQueries {
  /** The stored event, as the intake queued it. */
  async load(manager: EntityManager, eventId: string): Promise<StoredEvent | null> {
    const [row] = await queryRows<{ payload: Envelope; received_at: Date; status: EventStatus }>(
      manager,
      'SELECT payload, received_at, status FROM event_log WHERE event_id = $1',
      [eventId],
    );
    return row ? { eventId, envelope: row.payload, receivedAt: row.received_at.toISOString(), status: row.status } : null;
  }

  /**
   * One page of the events a bulk replay selects, in (occurred_at, event_id) order: occurredAt in
   * [from, to), and canonical name or raw type in `types` (all when absent). Page on with `after`.
   */
  async selectForReplay(
    manager: EntityManager,
    filter: { from?: string | null; to?: string | null; types?: readonly string[] | null; after?: ReplayCursor | null; limit?: number },
  ): Promise<ReplayCursor[]> {
    const rows = await queryRows<{ event_id: string; occurred_at: Date | null }>(
      manager,
      `SELECT event_id, occurred_at FROM event_log
        WHERE ($1::timestamptz IS NULL OR occurred_at >= $1)
          AND ($2::timestamptz IS NULL OR occurred_at < $2)
          AND ($3::text[] IS NULL OR name = ANY($3) OR type = ANY($3))
          AND ($5::text IS NULL OR CASE
                WHEN $4::timestamptz IS NULL THEN occurred_at IS NULL AND event_id > $5
                ELSE (occurred_at, event_id) > ($4, $5) OR occurred_at IS NULL END)
        ORDER BY occurred_at NULLS LAST, event_id
        LIMIT $6`,
      [
        filter.from ?? null,
        filter.to ?? null,
        filter.types && filter.types.length > 0 ? [...filter.types] : null,
        filter.after?.occurredAt ?? null,
        filter.after?.eventId ?? null,
        Math.min(Math.max(filter.limit ?? 500, 1), 5000),
      ],
    );
    return rows.map((row) => ({ eventId: row.event_id, occurredAt: row.occurred_at?.toISOString() ?? null }));
  }
}
