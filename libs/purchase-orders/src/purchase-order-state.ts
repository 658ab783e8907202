import type { PurchaseOrderFacts } from '@app/flexport';
import { advanceLastEventAt, claimDetails, claimField, EventVersion } from '@app/processing';
import type { PurchaseOrderEntity } from './purchase-order.entity.js';

/** A row as the state rules see it: without the times it was written. */
export type PurchaseOrderState = Omit<PurchaseOrderEntity, 'createdAt' | 'updatedAt'>;

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
  const next: PurchaseOrderState = current
    ? { ...current, details: { ...current.details }, versions: { ...current.versions } }
    : {
        id: facts.purchaseOrderId,
        number: null,
        status: facts.status,
        lineItems: null,
        details: {},
        lastEventAt: new Date(version.occurredAt),
        versions: {},
      };
  let changed = current === null;
  if (facts.number !== undefined && claimField(next.versions, 'number', version)) {
    next.number = facts.number;
    changed = true;
  }
  if (facts.lineItems !== undefined && claimField(next.versions, 'lineItems', version)) {
    next.lineItems = facts.lineItems;
    changed = true;
  }
  if (claimField(next.versions, 'status', version)) {
    next.status = facts.status;
    changed = true;
  }
  if (claimDetails(next.details, facts.details, next.versions, version)) changed = true;
  if (advanceLastEventAt(next, version)) changed = true;
  return changed ? next : (current as PurchaseOrderState);
}
