import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventJobData, eventJobId, EVENT_QUEUES, EventSource, withinMs } from '@app/queue';
import { iso } from '@app/database';
import { decodeCursor, Page, pageOf } from '../http/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../http/query.js';
import { QueueRegistry } from '../queue-registry.js';
import type { EventListQuery } from './read.dto.js';
import type { EventView } from './views.js';

interface EventRow {
  event_id: string;
  type: string;
  category: string;
  name: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  occurred_at: Date | null;
  received_at: Date;
  processed_at: Date | null;
  source: EventSource;
  /** received_at as Postgres prints it: microseconds and offset, so a cursor round-trips exactly. */
  received_key: string;
}

const COLUMNS = `event_id, type, category, name, status, attempts, last_error, occurred_at, received_at, processed_at, source,
  received_at::text AS received_key`;

function view(row: EventRow): EventView {
  return {
    eventId: row.event_id,
    type: row.type,
    category: row.category,
    name: row.name,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    occurredAt: iso(row.occurred_at),
    receivedAt: iso(row.received_at)!,
    processedAt: iso(row.processed_at),
    source: row.source,
  };
}

/** The event log, read-only; an event not yet in it may still be waiting in its queue. */
@Injectable()
export class EventsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueRegistry,
  ) {}

  async find(eventId: string): Promise<EventView | null> {
    const [row]: EventRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM event_log WHERE event_id = $1`, [eventId]);
    return row ? view(row) : this.findQueued(eventId);
  }

  /** Oldest first, by (receivedAt, eventId); `type` matches the raw type or the canonical name. */
  async list(query: EventListQuery): Promise<Page<EventView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [afterReceived, afterId] = query.cursor ? decodeCursor(query.cursor, ['timestamptz', 'text']) : [null, null];
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM event_log
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR type = $2 OR name = $2)
          AND ($3::text IS NULL OR category = $3)
          AND ($4::timestamptz IS NULL OR (received_at, event_id) > ($4::timestamptz, $5::text))
        ORDER BY received_at, event_id
        LIMIT $6`,
      [query.status ?? null, query.type ?? null, query.category ?? null, afterReceived, afterId, limit + 1],
    );
    return pageOf(rows, limit, view, (row) => [row.received_key, row.event_id]);
  }

  /** Best effort, bounded: Redis away only means the answer is 404. */
  private async findQueued(eventId: string): Promise<EventView | null> {
    try {
      const jobs = await withinMs(1000, Promise.all(EVENT_QUEUES.map((name) => this.queues.get(name).getJob(eventJobId(eventId)))));
      const job = jobs.find((candidate) => candidate !== undefined);
      if (!job) return null;
      const data = job.data as EventJobData;
      return {
        eventId,
        type: data.type,
        category: data.category,
        name: data.name,
        status: 'queued',
        attempts: job.attemptsMade,
        lastError: job.failedReason || null,
        occurredAt: null,
        receivedAt: data.receivedAt,
        processedAt: null,
        source: data.source ?? 'webhook',
      };
    } catch {
      return null;
    }
  }
}
