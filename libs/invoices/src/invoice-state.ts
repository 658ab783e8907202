import type { InvoiceFacts } from '@app/flexport';
import { advanceLastEventAt, claimField, EventVersion } from '@app/processing';
import type { InvoiceEntity } from './invoice.entity.js';

/** A row as the state rules see it: without the times it was written. */
export type InvoiceState = Omit<InvoiceEntity, 'createdAt' | 'updatedAt'>;

/**
 * The invoice after one more event. Each field keeps the value of the greatest-versioned event
 * that mentions it; amount and currency are one field. A null shipment id or due date means the
 * event did not carry one, so it leaves the stored value alone.
 * Returns `current` itself when the event changes nothing.
 */
export function applyInvoiceEvent(current: InvoiceState | null, facts: InvoiceFacts, version: EventVersion): InvoiceState {
  const next: InvoiceState = current
    ? { ...current, versions: { ...current.versions } }
    : {
        id: facts.invoiceId,
        shipmentId: null,
        kind: facts.kind,
        amount: facts.amount,
        currency: facts.currency,
        dueDate: null,
        lastEventAt: new Date(version.occurredAt),
        versions: {},
      };
  let changed = current === null;
  if (facts.shipmentId !== null && claimField(next.versions, 'shipmentId', version)) {
    next.shipmentId = facts.shipmentId;
    changed = true;
  }
  if (claimField(next.versions, 'kind', version)) {
    next.kind = facts.kind;
    changed = true;
  }
  if (claimField(next.versions, 'amount', version)) {
    next.amount = facts.amount;
    next.currency = facts.currency;
    changed = true;
  }
  if (facts.dueDate !== null && claimField(next.versions, 'dueDate', version)) {
    next.dueDate = facts.dueDate;
    changed = true;
  }
  if (advanceLastEventAt(next, version)) changed = true;
  return changed ? next : (current as InvoiceState);
}
