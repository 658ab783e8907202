import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Location } from '@app/flexport';
import { ProjectionEntity } from '@app/database';

export type ContainerStatus = 'loaded' | 'unloaded';

/** Projection of container events, one row per container number. */
@Entity({ name: 'containers' })
@Check('chk_containers_status', `"status" IN ('loaded', 'unloaded')`)
@Index('idx_containers_shipment_id', ['shipmentId'])
export class ContainerEntity extends ProjectionEntity {
  @PrimaryColumn({ name: 'container_number', type: 'text', primaryKeyConstraintName: 'pk_containers' })
  containerNumber: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  /** Null while only date events (pickup, free time, empty return) have named the container. */
  @Column({ type: 'text', nullable: true })
  status: ContainerStatus | null;

  /** `{name, country}` of the latest event that had a location; null until one does. */
  @Column({ type: 'jsonb', nullable: true })
  location: Location | null;

  /** A calendar date, `YYYY-MM-DD`. */
  @Column({ name: 'last_free_day', type: 'date', nullable: true })
  lastFreeDay: string | null;

  @Column({ name: 'available_for_pickup_at', type: 'timestamptz', nullable: true })
  availableForPickupAt: Date | null;

  @Column({ name: 'empty_returned_at', type: 'timestamptz', nullable: true })
  emptyReturnedAt: Date | null;
}
