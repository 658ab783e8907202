import { PurchaseOrderFacts, EventCategory } from '@app/flexport';
import { HandlesEvents, ProjectionHandler, RowChange } from '@app/processing';
import type { EventVersion } from '@app/versions';
import { PurchaseOrderEntity } from './purchase-order.entity.js';
import { applyPurchaseOrderEvent } from './purchase-order-state.js';

/** Keeps the `purchase_orders` projection: po_created, po_updated and po_archived events. */
@HandlesEvents(EventCategory.PurchaseOrder)
export class PurchaseOrdersHandler extends ProjectionHandler<PurchaseOrderEntity, PurchaseOrderFacts> {
  constructor() {
    super(PurchaseOrderEntity, 'id');
  }

  protected change(facts: PurchaseOrderFacts, version: EventVersion): RowChange<PurchaseOrderEntity> {
    return { keys: [facts.purchaseOrderId], reduce: (current) => applyPurchaseOrderEvent(current, facts, version) };
  }
}
