import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldVersions } from '@app/processing';

export type PurchaseOrderStatus = 'open' | 'archived';

/** Projection of purchase-order events; `versions` records, per field, the event that last set it. */
@Entity({ name: 'purchase_orders' })
@Check('chk_purchase_orders_status', `"status" IN ('open', 'archived')`)
@Index('idx_purchase_orders_number', ['number'])
export class PurchaseOrderEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_purchase_orders' })
  id: string;

  @Column({ type: 'text', nullable: true })
  number: string | null;

  @Column({ type: 'text' })
  status: PurchaseOrderStatus;

  /** Null until an event carries `line_items`. */
  @Column({ name: 'line_items', type: 'jsonb', nullable: true })
  lineItems: unknown[] | null;

  /** The other fields of the purchase order (buyer, seller, …), each one last-writer-wins on its own. */
  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  /** `occurredAt` of the latest event applied to the purchase order (`created_at`/`updated_at` are when the row was written). */
  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt: Date;

  @Column({ type: 'jsonb' })
  versions: FieldVersions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
