import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExceptionKind } from '@app/flexport';

/** A shipment's exceptions: every delay and customs hold event once, older ones included. */
@Entity({ name: 'shipment_exceptions' })
@Index('idx_shipment_exceptions_history', ['shipmentId', 'occurredAt', 'eventId'])
@Check('chk_shipment_exceptions_kind', `"kind" IN ('delay', 'customs_hold')`)
export class ShipmentExceptionEntity {
  @PrimaryColumn({ name: 'shipment_id', type: 'text', primaryKeyConstraintName: 'pk_shipment_exceptions' })
  shipmentId: string;

  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'pk_shipment_exceptions' })
  eventId: string;

  @Column({ type: 'text' })
  kind: ExceptionKind;

  /** The verb of the event's type, e.g. `vessel_delay_port_congestion`. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
