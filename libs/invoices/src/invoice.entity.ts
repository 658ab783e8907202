import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectionEntity } from '@app/database';

export type InvoiceKind = 'invoice' | 'freight_invoice';

/**
 * Projection of invoice events. Money columns are unconstrained `numeric`, read back as the decimal
 * string that was sent (scale included: "18422.07" stays "18422.07"), never through a float.
 * `kind`, `amount` and `currency` come from compact events, the fields after them from v2 `/invoice`
 * resources; each is null until an event of its kind sets it.
 */
@Entity({ name: 'invoices' })
@Check('chk_invoices_kind', `"kind" IN ('invoice', 'freight_invoice')`)
@Index('idx_invoices_shipment_id', ['shipmentId'])
export class InvoiceEntity extends ProjectionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_invoices' })
  id: string;

  @Column({ name: 'shipment_id', type: 'text', nullable: true })
  shipmentId: string | null;

  @Column({ type: 'text', nullable: true })
  kind: InvoiceKind | null;

  @Column({ type: 'numeric', nullable: true })
  amount: string | null;

  /** ISO-4217 code; set together with `amount`, so the two always come from the same event. */
  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  /** A calendar date, `YYYY-MM-DD`. */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  /** Flexport's invoice name, e.g. `FLEX-123456-1`. */
  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** As sent: `outstanding`, `past_due`, `paid`, `payment_pending`, `void`. */
  @Column({ type: 'text', nullable: true })
  status: string | null;

  @Column({ name: 'total_amount', type: 'numeric', nullable: true })
  totalAmount: string | null;

  @Column({ name: 'total_currency', type: 'char', length: 3, nullable: true })
  totalCurrency: string | null;

  @Column({ name: 'balance_amount', type: 'numeric', nullable: true })
  balanceAmount: string | null;

  @Column({ name: 'balance_currency', type: 'char', length: 3, nullable: true })
  balanceCurrency: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz', nullable: true })
  issuedAt: Date | null;

  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true })
  voidedAt: Date | null;

  /** The invoice's items exactly as sent. */
  @Column({ type: 'jsonb', nullable: true })
  items: unknown[] | null;
}
