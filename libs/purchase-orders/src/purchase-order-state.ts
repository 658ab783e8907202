import type { PurchaseOrderFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, claimDetails, EventVersion, nextRow } from '@app/versions';
import type { PurchaseOrderEntity } from './purchase-order.entity.js';

export type PurchaseOrderState = ProjectionState<PurchaseOrderEntity>;

/**
 * The purchase order after one more event. Each field keeps the value of the greatest-versioned
 * event that mentions it (`number` and `lineItems` are undefined when not mentioned); the status
 * is `archived` when the greatest-versioned event is po_archived, otherwise `open`.
 * Returns `current` itself when the event changes nothing.
 */
export function applyPurchaseOrderEvent(
  current: PurchaseOrderState | null,
  facts: PurchaseOrderFacts,
  version: EventVersion,
): PurchaseOrderState {
  return nextRow(
    current,
    () => ({ id: facts.purchaseOrderId, number: null, status: facts.status, lineItems: null, details: {} }),
    version,
    (row) =>
      [
        claim(row, 'number', facts.number, version),
        claim(row, 'lineItems', facts.lineItems, version),
        claim(row, 'status', facts.status, version),
        claimDetails(row, facts.details, version),
      ].includes(true),
  );
}
