import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import { NotificationOutboxEntity } from './notification-outbox.entity.js';

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notification to one URL: the durable guard that it is POSTed once. `sending` is a lease held
 * by one job until `leaseUntil`; `dead` rows are the notifications' dead letters, replayable.
 */
@Entity({ name: 'notification_deliveries' })
@Unique('uq_notification_deliveries_target', ['shipmentId', 'milestone', 'url'])
@ForeignKey(() => NotificationOutboxEntity, ['shipmentId', 'milestone'], ['shipmentId', 'milestone'], {
  name: 'fk_notification_deliveries_outbox',
})
@Check('chk_notification_deliveries_status', `"status" IN ('pending', 'sending', 'delivered', 'dead')`)
@Index('idx_notification_deliveries_status', ['status', 'updatedAt', 'idempotencyKey'])
export class NotificationDeliveryEntity {
  /** deliveryKey(shipmentId, milestone, url), sent as the `Idempotency-Key` header. */
  @PrimaryColumn({ name: 'idempotency_key', type: 'text', primaryKeyConstraintName: 'pk_notification_deliveries' })
  idempotencyKey: string;

  @Column({ name: 'shipment_id', type: 'text' })
  shipmentId: string;

  @Column({ type: 'text' })
  milestone: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', default: 'pending' })
  status: DeliveryStatus;

  /** POSTs started, over all jobs and replays. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  /** Id of the job that holds (or last held) the `sending` lease. */
  @Column({ name: 'lease_token', type: 'text', nullable: true })
  leaseToken: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt: Date | null;

  @Column({ name: 'replay_count', type: 'integer', default: 0 })
  replayCount: number;

  @Column({ name: 'last_replayed_at', type: 'timestamptz', nullable: true })
  lastReplayedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
