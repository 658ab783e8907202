import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Location } from '@app/flexport';

export type CustomsStatus = 'held' | 'released';
import type { FieldVersions } from '@app/versions';

/** The shipments projection of milestone and transit events; `versions` records which event set each field. */
@Entity({ name: 'shipments' })
@Index('idx_shipments_status', ['status', 'id'])
@Check('chk_shipments_customs_status', `"customs_status" IN ('held', 'released')`)
export class ShipmentEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_shipments' })
  id: string;

  /** The winning milestone; null until one is recorded. */
  @Column({ type: 'text', nullable: true })
  status: string | null;

  @Column({ name: 'status_at', type: 'timestamptz', nullable: true })
  statusAt: Date | null;

  /** That of the latest milestone that had a location. */
  @Column({ type: 'jsonb', nullable: true })
  location: Location | null;

  @Column({ name: 'estimated_departure_at', type: 'timestamptz', nullable: true })
  estimatedDepartureAt: Date | null;

  @Column({ name: 'estimated_arrival_at', type: 'timestamptz', nullable: true })
  estimatedArrivalAt: Date | null;

  @Column({ name: 'actual_departure_at', type: 'timestamptz', nullable: true })
  actualDepartureAt: Date | null;

  @Column({ name: 'actual_arrival_at', type: 'timestamptz', nullable: true })
  actualArrivalAt: Date | null;

  /** `held` or `released`: whichever of its customs holds and customs_cleared milestones occurred last. */
  @Column({ name: 'customs_status', type: 'text', nullable: true })
  customsStatus: CustomsStatus | null;

  /** A calendar date, `YYYY-MM-DD`, from the cargo-ready-date events. */
  @Column({ name: 'cargo_ready_date', type: 'date', nullable: true })
  cargoReadyDate: string | null;

  /** Every container number milestone events linked to the shipment, sorted. */
  @Column({ name: 'container_numbers', type: 'text', array: true, default: () => "'{}'" })
  containerNumbers: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  versions: FieldVersions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
