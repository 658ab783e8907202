import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Location, Milestone } from '@app/flexport';

/** A shipment's milestone history: every milestone event once, older ones included. */
@Entity({ name: 'shipment_milestones' })
@Index('idx_shipment_milestones_history', ['shipmentId', 'occurredAt', 'eventId'])
@Index('idx_shipment_milestones_milestone', ['shipmentId', 'milestone'])
export class ShipmentMilestoneEntity {
  @PrimaryColumn({ name: 'shipment_id', type: 'text', primaryKeyConstraintName: 'pk_shipment_milestones' })
  shipmentId: string;

  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'pk_shipment_milestones' })
  eventId: string;

  @Column({ type: 'text' })
  milestone: Milestone;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'jsonb', nullable: true })
  location: Location | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
