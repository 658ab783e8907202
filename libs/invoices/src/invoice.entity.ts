import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectionEntity } from '@app/database';

export type InvoiceKind = 'invoice' | 'freight_invoice';

/**
 * Projection of invoice events. `amount` is an unconstrained `numeric`, read back as the decimal
 * string that was sent (scale included: "18422.07" stays "18422.07"), never through a float.
 */
@Entity({ name: 'invoices' })
@Check('chk_invoices_kind', `"kind" IN ('invoice', 'freight_invoice')`)
@Index('idx_invoices_shipment_id', ['shipmentId'])
export class InvoiceEntity extends ProjectionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_invoices' })
  id: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  @Column({ type: 'text' })
  kind: InvoiceKind;

  @Column({ type: 'numeric' })
  amount: string;

  /** ISO-4217 code; set together with `amount`, so the two always come from the same event. */
  @Column({ type: 'char', length: 3 })
  currency: string;

  /** A calendar date, `YYYY-MM-DD`. */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;
}
