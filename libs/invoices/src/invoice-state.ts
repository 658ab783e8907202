import type { InvoiceFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, claimField, EventVersion, nextRow } from '@app/versions';
import type { InvoiceEntity } from './invoice.entity.js';

export type InvoiceState = ProjectionState<InvoiceEntity>;

/**
 * The invoice after one more event. Each field keeps the value of the greatest-versioned event
 * that mentions it; amount and currency are one field. A null shipment id or due date means the
 * event did not carry one, so it leaves the stored value alone.
 * Returns `current` itself when the event changes nothing.
 */
export function applyInvoiceEvent(current: InvoiceState | null, facts: InvoiceFacts, version: EventVersion): InvoiceState {
  return nextRow(
    current,
    () => ({ id: facts.invoiceId, shipmentId: null, kind: facts.kind, amount: facts.amount, currency: facts.currency, dueDate: null }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'kind', facts.kind, version),
        claimMoney(row, facts, version),
        claim(row, 'dueDate', facts.dueDate ?? undefined, version),
      ].includes(true),
  );
}

/** Amount and currency always come from the same event. */
function claimMoney(row: InvoiceState, facts: InvoiceFacts, version: EventVersion): boolean {
  if (!claimField(row.versions, 'amount', version)) return false;
  row.amount = facts.amount;
  row.currency = facts.currency;
  return true;
}
