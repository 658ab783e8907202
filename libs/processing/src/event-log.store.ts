import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Envelope, NormalizedEvent } from '@app/flexport';
import { lockOrder, queryRows } from '@app/database';
import type { QuarantineJobData } from '@app/queue';
import type { DeadLetterReason } from './dead-letter.entity.js';
import type { EventStatus } from './event-log.entity.js';
import type { StoredEvent } from './event-replay.queries.js';
import { errorMessage, EventRecord } from './event-record.js';

export interface ClaimedEvent {
  /** Status before this run; `queued` for a row this run inserted. */
  status: EventStatus;
  inserted: boolean;
}

/** One event of a batch transaction and the status it ends with if it runs. */
export interface BatchClaim {
  record: EventRecord;
  status: 'processed' | 'ignored';
}

export interface PreparedClaims {
  /** Event ids in lockOrder. */
  ids: string[];
  /** The event-log rows, as JSON in that order. */
  rows: string;
}

/** The outcome of a run of an event that `claimMany` found already in the log. */
export interface Completion {
  event: NormalizedEvent;
  status: 'processed' | 'ignored';
  claimed: ClaimedEvent;
}

/** A record's values for the event log's columns event_id … source, in that order: $1 … $9. */
function recordColumns(record: EventRecord): unknown[] {
  return [
    record.eventId,
    record.type,
    record.category,
    record.name,
    record.occurredAt,
    record.receivedAt,
    record.shipmentId,
    JSON.stringify(record.payload),
    record.source,
  ];
}

/** The writes of the event log and the dead letters. Every method runs on the caller's manager (transaction). */
@Injectable()
export class EventLogStore {
  /**
   * Inserts the event's row, or locks the existing one (FOR UPDATE): two runs of one event
   * (a redelivery, a stalled job picked up again) are serialised here, and the second sees the first's outcome.
   */
  async claim(manager: EntityManager, record: EventRecord): Promise<ClaimedEvent> {
    const inserted = await queryRows<{ status: EventStatus }>(
      manager,
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, shipment_id, payload, source, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 'queued')
       ON CONFLICT (event_id) DO NOTHING
       RETURNING status`,
      recordColumns(record),
    );
    if (inserted.length > 0) return { status: 'queued', inserted: true };
    const [row] = await queryRows<{ status: EventStatus }>(manager, 'SELECT status FROM event_log WHERE event_id = $1 FOR UPDATE', [
      record.eventId,
    ]);
    if (!row) throw new Error(`event_log row of ${record.eventId} vanished`);
    return { status: row.status, inserted: false };
  }

  /** The rows `claimMany` writes, prepared before the transaction so that it does not wait on this work. */
  prepareClaims(claims: readonly BatchClaim[]): PreparedClaims {
    const byId = new Map(claims.map((claim) => [claim.record.eventId, claim]));
    const ids = lockOrder(byId.keys());
    const rows = ids.map((id) => {
      const { record, status } = byId.get(id) as BatchClaim;
      return {
        event_id: record.eventId,
        type: record.type,
        category: record.category,
        name: record.name,
        occurred_at: record.occurredAt,
        received_at: record.receivedAt,
        shipment_id: record.shipmentId,
        payload: record.payload,
        source: record.source,
        status,
      };
    });
    return { ids, rows: JSON.stringify(rows) };
  }

  /**
   * `claim` for many distinct events at once, each with the status it will end with if it runs.
   * One INSERT walks the rows in lockOrder: it locks the existing ones (ON CONFLICT DO UPDATE locks
   * the row even when its WHERE is false) and inserts the new ones directly as completed, which
   * saves rewriting them (the transaction commits the row with the state change or not at all).
   * A second statement, with a fresh snapshot, reads the status the locked rows hold now; those
   * still have to be completed (`completeMany`) if they run.
   */
  async claimMany(manager: EntityManager, { ids, rows }: PreparedClaims): Promise<Map<string, ClaimedEvent>> {
    const inserted = await queryRows<{ event_id: string }>(
      manager,
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, shipment_id, payload, source, status, attempts, processed_at)
       SELECT r.event_id, r.type, r.category, r.name, r.occurred_at, r.received_at, r.shipment_id, r.payload, r.source, r.status, 1, now()
         FROM jsonb_populate_recordset(NULL::event_log, $1::jsonb) WITH ORDINALITY AS r
        ORDER BY r.ordinality
       ON CONFLICT (event_id) DO UPDATE SET status = event_log.status WHERE false
       RETURNING event_id`,
      [rows],
    );
    const claimed = new Map<string, ClaimedEvent>(inserted.map((row) => [row.event_id, { status: 'queued', inserted: true }]));
    const existing = ids.filter((id) => !claimed.has(id));
    if (existing.length > 0) {
      const found = await queryRows<{ event_id: string; status: EventStatus }>(
        manager,
        'SELECT event_id, status FROM event_log WHERE event_id = ANY($1::text[])',
        [existing],
      );
      for (const row of found) claimed.set(row.event_id, { status: row.status, inserted: false });
    }
    for (const id of existing) if (!claimed.has(id)) throw new Error(`event_log row of ${id} vanished`);
    return claimed;
  }

  /** `complete` for many events claimed by `claimMany` that were already in the log, in one UPDATE (two when dead letters are resolved). */
  async completeMany(manager: EntityManager, completions: readonly Completion[]): Promise<void> {
    if (completions.length === 0) return;
    const rows = completions.map(({ event, status }) => ({
      event_id: event.eventId,
      status,
      type: event.type,
      category: event.category,
      name: event.name,
      occurred_at: event.occurredAt,
    }));
    await queryRows(
      manager,
      `UPDATE event_log AS e
          SET status = r.status, attempts = e.attempts + 1, processed_at = now(), updated_at = now(),
              type = r.type, category = r.category, name = r.name, occurred_at = r.occurred_at
         FROM jsonb_populate_recordset(NULL::event_log, $1::jsonb) AS r
        WHERE e.event_id = r.event_id`,
      [JSON.stringify(rows)],
    );
    const resolved = completions.filter(({ status, claimed }) => status === 'processed' && !claimed.inserted);
    if (resolved.length > 0) {
      await queryRows(
        manager,
        'UPDATE dead_letters SET resolved_at = now(), updated_at = now() WHERE event_id = ANY($1::text[]) AND resolved_at IS NULL',
        [resolved.map(({ event }) => event.eventId)],
      );
    }
  }

  /** Records the outcome of a run that applied (`processed`) or deliberately skipped (`ignored`) the event. */
  async complete(manager: EntityManager, event: NormalizedEvent, status: 'processed' | 'ignored', claimed: ClaimedEvent) {
    await queryRows(
      manager,
      `UPDATE event_log
          SET status = $2, attempts = attempts + 1, processed_at = now(), updated_at = now(),
              type = $3, category = $4, name = $5, occurred_at = $6
        WHERE event_id = $1`,
      [event.eventId, status, event.type, event.category, event.name, event.occurredAt],
    );
    if (!claimed.inserted && status === 'processed') {
      await queryRows(
        manager,
        'UPDATE dead_letters SET resolved_at = now(), updated_at = now() WHERE event_id = $1 AND resolved_at IS NULL',
        [event.eventId],
      );
    }
  }

  /**
   * A transient failure, recorded outside the rolled-back transaction. Never downgrades an event
   * that a concurrent run has processed meanwhile.
   */
  async recordFailure(manager: EntityManager, record: EventRecord, error: unknown): Promise<void> {
    await queryRows(
      manager,
      `INSERT INTO event_log (event_id, type, category, name, occurred_at, received_at, shipment_id, payload, source, status, attempts, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 'failed', 1, $10)
       ON CONFLICT (event_id) DO UPDATE
          SET status = 'failed', attempts = event_log.attempts + 1, last_error = EXCLUDED.last_error, updated_at = now()
        WHERE event_log.status <> 'processed'`,
      [...recordColumns(record), errorMessage(error)],
    );
  }

  /** Marks a claimed event `dead` and writes (or refreshes) its dead letter. */
  async deadLetter(manager: EntityManager, record: EventRecord, reason: DeadLetterReason, error: unknown): Promise<void> {
    const message = errorMessage(error);
    const [row] = await queryRows<{ attempts: number }>(
      manager,
      `UPDATE event_log
          SET status = 'dead', attempts = attempts + 1, last_error = $2, updated_at = now(),
              type = $3, category = $4, name = $5, occurred_at = $6
        WHERE event_id = $1
        RETURNING attempts`,
      [record.eventId, message, record.type, record.category, record.name, record.occurredAt],
    );
    await queryRows(
      manager,
      `INSERT INTO dead_letters (event_id, reason, last_error, type, category, received_at, payload, attempts, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, now())
       ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO UPDATE
          SET reason = EXCLUDED.reason, last_error = EXCLUDED.last_error, type = EXCLUDED.type,
              category = EXCLUDED.category, payload = EXCLUDED.payload, attempts = EXCLUDED.attempts,
              dead_lettered_at = now(), resolved_at = NULL, updated_at = now()`,
      [
        record.eventId,
        reason,
        message,
        record.type,
        record.category,
        record.receivedAt,
        JSON.stringify(record.payload),
        row?.attempts ?? 1,
      ],
    );
  }

  /** Keeps a signed body that is not an event; the same body twice is one entry. Returns false for a repeat. */
  async quarantine(manager: EntityManager, data: QuarantineJobData): Promise<boolean> {
    const body = Buffer.from(data.bodyBase64, 'base64');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const inserted = await queryRows(
      manager,
      `INSERT INTO dead_letters (event_id, reason, last_error, received_at, raw_body, content_type, body_sha256, dead_lettered_at)
       VALUES (NULL, 'quarantined', $1, $2, $3, $4, $5, now())
       ON CONFLICT (body_sha256) WHERE reason = 'quarantined' DO NOTHING
       RETURNING id`,
      [data.reason, data.receivedAt, body, data.contentType, sha256],
    );
    return inserted.length > 0;
  }

  /**
   * Prepares a replay through the queue: a dead, ignored or failed event goes back to `queued`, which the
   * pipeline runs again; a processed one stays processed (its replay is a no-op). Bumps the dead letter's count.
   */
  async markForReplay(manager: EntityManager, eventId: string): Promise<StoredEvent | null> {
    const [row] = await queryRows<{ payload: Envelope | null; received_at: Date; previous: EventStatus }>(
      manager,
      `UPDATE event_log AS e
          SET status = CASE WHEN e.status IN ('dead', 'ignored', 'failed') THEN 'queued' ELSE e.status END,
              updated_at = now()
         FROM (SELECT event_id, status FROM event_log WHERE event_id = $1 FOR UPDATE) AS old
        WHERE e.event_id = old.event_id
        RETURNING e.payload, e.received_at, old.status AS previous`,
      [eventId],
    );
    if (!row) return null;
    await this.countReplay(manager, eventId);
    return { eventId, envelope: row.payload, receivedAt: row.received_at.toISOString(), status: row.previous };
  }

  async countReplay(manager: EntityManager, eventId: string): Promise<void> {
    await queryRows(
      manager,
      `UPDATE dead_letters SET replay_count = replay_count + 1, last_replayed_at = now(), updated_at = now()
        WHERE event_id = $1`,
      [eventId],
    );
  }
}
