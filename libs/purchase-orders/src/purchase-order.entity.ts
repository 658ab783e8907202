import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectionEntity } from '@app/database';

export type PurchaseOrderStatus = 'open' | 'archived';

/** Projection of purchase-order events. */
@Entity({ name: 'purchase_orders' })
@Check('chk_purchase_orders_status', `"status" IN ('open', 'archived')`)
@Index('idx_purchase_orders_number', ['number'])
export class PurchaseOrderEntity extends ProjectionEntity {
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
}
