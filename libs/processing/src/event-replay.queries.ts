import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Envelope } from '@app/flexport';
import { iso, queryRows } from '@app/database';
import type { EventStatus } from './event-log.entity.js';

export interface ReplayCursor {
  eventId: string;
  occurredAt: string | null;
}

/** An event a bulk replay selected, with its status now. */
export interface ReplayCandidate extends ReplayCursor {
  status: EventStatus;
}

export interface StoredEvent {
  eventId: string;
  /** Null once payload retention cleared it (a processed event: it never needs to run again). */
  envelope: Envelope | null;
  receivedAt: string;
  status: EventStatus;
}

/** The events of a range whose payloads payload retention has cleared: what a replay or rebuild cannot re-run. */
export interface ClearedPayloads {
  count: number;
  firstReceivedAt: string | null;
  lastReceivedAt: string | null;
  /** In order of receipt, the first CLEARED_IDS_LISTED of them. */
  eventIds: string[];
}

export const CLEARED_IDS_LISTED = 1000;

/** What a bulk replay selects: occurredAt in [from, to), canonical name or raw type in `types` (all when absent). */
export interface ReplayFilter {
  from?: string | null;
  to?: string | null;
  types?: readonly string[] | null;
}

/** The event log read back for replays: one stored event, or the events a bulk replay selects. Reads only. */
@Injectable()
export class EventReplayQueries {
  /** The stored event, as the intake queued it. */
  async load(manager: EntityManager, eventId: string): Promise<StoredEvent | null> {
    const [row] = await queryRows<{ payload: Envelope | null; received_at: Date; status: EventStatus }>(
      manager,
      'SELECT payload, received_at, status FROM event_log WHERE event_id = $1',
      [eventId],
    );
    return row ? { eventId, envelope: row.payload, receivedAt: row.received_at.toISOString(), status: row.status } : null;
  }

  /**
   * One page of the events a bulk replay selects, in (occurred_at, event_id) order: occurredAt in
   * [from, to), and canonical name or raw type in `types` (all when absent). Page on with `after`.
   * `withPayload`: only events whose payload is kept (see `clearedPayloads`).
   */
  async selectForReplay(
    manager: EntityManager,
    filter: ReplayFilter & { after?: ReplayCursor | null; limit?: number; withPayload?: boolean },
  ): Promise<ReplayCandidate[]> {
    const rows = await queryRows<{ event_id: string; occurred_at: Date | null; status: EventStatus }>(
      manager,
      `SELECT event_id, occurred_at, status FROM event_log
        WHERE ($1::timestamptz IS NULL OR occurred_at >= $1)
          AND (NOT $7::boolean OR payload IS NOT NULL)
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
        filter.withPayload ?? false,
      ],
    );
    return rows.map((row) => ({ eventId: row.event_id, occurredAt: iso(row.occurred_at), status: row.status }));
  }

  /**
   * The events of a bulk replay's range (`filter`), or of the whole log (`'all'`: what a rebuild
   * re-applies), whose payloads have been cleared (all of them processed events). A replay or a rebuild over them
   * runs only when told to skip them, and then reports this.
   */
  async clearedPayloads(manager: EntityManager, filter: ReplayFilter | 'all'): Promise<ClearedPayloads> {
    const range = filter === 'all' ? {} : filter;
    const [row] = await queryRows<{ count: number; first: Date | null; last: Date | null; ids: string[] | null }>(
      manager,
      `SELECT count(*)::int AS count, min(received_at) AS first, max(received_at) AS last,
              (array_agg(event_id ORDER BY received_at, event_id))[1:${CLEARED_IDS_LISTED}] AS ids
         FROM event_log
        WHERE payload IS NULL
          AND ($1::timestamptz IS NULL OR occurred_at >= $1)
          AND ($2::timestamptz IS NULL OR occurred_at < $2)
          AND ($3::text[] IS NULL OR name = ANY($3) OR type = ANY($3))`,
      [range.from ?? null, range.to ?? null, range.types && range.types.length > 0 ? [...range.types] : null],
    );
    return { count: row.count, firstReceivedAt: iso(row.first), lastReceivedAt: iso(row.last), eventIds: row.ids ?? [] };
  }
}
