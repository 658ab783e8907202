import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectionEntity } from '@app/database';

export type BookingStatus = 'confirmed' | 'amended';

/** Projection of booking events. */
@Entity({ name: 'bookings' })
@Check('chk_bookings_status', `"status" IN ('confirmed', 'amended')`)
@Index('idx_bookings_shipment_id', ['shipmentId'])
export class BookingEntity extends ProjectionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_bookings' })
  id: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  @Column({ type: 'text' })
  status: BookingStatus;

  /** The booking's free fields, each one last-writer-wins on its own. */
  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;
}
