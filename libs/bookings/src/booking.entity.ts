import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldVersions } from '@app/processing';

export type BookingStatus = 'confirmed' | 'amended';

/** Projection of booking events; `versions` records, per field, the event that last set it. */
@Entity({ name: 'bookings' })
@Check('chk_bookings_status', `"status" IN ('confirmed', 'amended')`)
@Index('idx_bookings_shipment_id', ['shipmentId'])
export class BookingEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_bookings' })
  id: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  @Column({ type: 'text' })
  status: BookingStatus;

  /** The booking's free fields, each one last-writer-wins on its own. */
  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  /** `occurredAt` of the latest event applied to the booking (`created_at`/`updated_at` are when the row was written). */
  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt: Date;

  @Column({ type: 'jsonb' })
  versions: FieldVersions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
