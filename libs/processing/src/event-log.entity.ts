import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EventSource } from '@app/queue';

export const EVENT_STATUSES = ['queued', 'processed', 'ignored', 'failed', 'dead'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Every event the workers have seen, forever: the durable guard against applying an event twice. */
@Entity({ name: 'event_log' })
@Check('chk_event_log_status', `"status" IN ('queued', 'processed', 'ignored', 'failed', 'dead')`)
@Check('chk_event_log_source', `"source" IN ('webhook', 'reconcile')`)
@Check(
  'chk_event_log_payload_cleared',
  `("payload" IS NULL) = ("payload_cleared_at" IS NOT NULL) AND ("payload" IS NOT NULL OR "status" = 'processed')`,
)
@Index('idx_event_log_status_received', ['status', 'receivedAt', 'eventId'])
@Index('idx_event_log_type_received', ['type', 'receivedAt', 'eventId'])
@Index('idx_event_log_received', ['receivedAt', 'eventId'])
@Index('idx_event_log_occurred', ['occurredAt'])
@Index('idx_event_log_shipment', ['shipmentId', 'occurredAt', 'eventId'])
export class EventLogEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'pk_event_log' })
  eventId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** Null when the event's own date could not be read (it is then dead-lettered). */
  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** The shipment the event names, whatever its type (see eventShipmentId): its timeline. */
  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  /**
   * The envelope exactly as parsed from the webhook body; null once payload retention cleared it
   * (processed events only, EVENT_PAYLOAD_RETENTION_DAYS).
   */
  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Column({ name: 'payload_cleared_at', type: 'timestamptz', nullable: true })
  payloadClearedAt: Date | null;

  /** The payload's `data.location`, kept when retention clears the payload: the shipment timeline shows it. */
  @Column({ name: 'timeline_location', type: 'jsonb', nullable: true })
  timelineLocation: unknown;

  @Column({ type: 'text' })
  status: EventStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** How the event reached the service: a webhook, or a reconciliation run that found it missing. */
  @Column({ type: 'text', default: 'webhook' })
  source: EventSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
