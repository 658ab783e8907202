import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyChangesToRows, EventHandler, RowChange, versionOf } from '@app/processing';
import { PurchaseOrderEntity } from './purchase-order.entity.js';
import { applyPurchaseOrderEvent } from './purchase-order-state.js';

/** Keeps the `purchase_orders` projection: po_created, po_updated and po_archived events. */
@Injectable()
export class PurchaseOrdersService implements EventHandler {
  readonly categories = [EventCategory.PurchaseOrder] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, PurchaseOrderEntity, 'id', [this.change(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      PurchaseOrderEntity,
      'id',
      events.map((event) => this.change(event)),
    );
  }

  private change(event: NormalizedEvent): RowChange<PurchaseOrderEntity> {
    const { facts } = event;
    if (facts.category !== EventCategory.PurchaseOrder) {
      throw new InvalidEventError(`purchase orders cannot apply a ${facts.category} event`);
    }
    const version = versionOf(event);
    return { keys: [facts.purchaseOrderId], reduce: (current) => applyPurchaseOrderEvent(current, facts, version) };
  }
}
