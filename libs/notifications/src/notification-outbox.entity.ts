import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Location } from '@app/flexport';

/**
 * One row per (shipment, notified milestone), written in the transaction that first records the
 * milestone; `relayedAt` is set once its delivery jobs are on the notifications queue.
 */
@Entity({ name: 'notification_outbox' })
@Check('chk_notification_outbox_milestone', `"milestone" IN ('departed', 'arrived', 'delivered')`)
@Index('idx_notification_outbox_unrelayed', ['createdAt'], { where: '"relayed_at" IS NULL' })
export class NotificationOutboxEntity {
  @PrimaryColumn({ name: 'shipment_id', type: 'text', primaryKeyConstraintName: 'pk_notification_outbox' })
  shipmentId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_notification_outbox' })
  milestone: string;

  /** The event that first recorded the milestone; the notification carries its date and location. */
  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'jsonb', nullable: true })
  location: Location | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}
