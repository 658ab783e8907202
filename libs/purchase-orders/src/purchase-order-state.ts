import type { PurchaseOrderFacts } from '@app/flexport';
import { claimField, EventVersion, setOwn } from '@app/processing';
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
  for (const [key, value] of Object.entries(facts.details)) {
    if (value !== undefined && claimField(next.versions, `details.${key}`, version)) {
      setOwn(next.details, key, value);
      changed = true;
    }
  }
  const occurredAt = new Date(version.occurredAt);
  if (occurredAt > next.lastEventAt) {
    next.lastEventAt = occurredAt;
    changed = true;
  }
  return changed ? next : (current as PurchaseOrderState);
}
