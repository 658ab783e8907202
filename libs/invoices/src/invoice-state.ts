import type { InvoiceFacts, Money } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, claimField, EventVersion, factDate, nextRow } from '@app/versions';
import type { InvoiceEntity } from './invoice.entity.js';

export type InvoiceState = ProjectionState<InvoiceEntity>;

/**
 * The invoice after one more event, compact or v2. Each field keeps the value of the greatest-versioned
 * event that mentions it; amount and currency are one field, and so are each Money's amount and
 * currency. A field the event does not mention (undefined, or a null shipment id or due date) keeps
 * its stored value, so compact and v2 events can describe one invoice, field by field.
 * Returns `current` itself when the event changes nothing.
 */
export function applyInvoiceEvent(current: InvoiceState | null, facts: InvoiceFacts, version: EventVersion): InvoiceState {
  return nextRow(
    current,
    () => ({
      id: facts.invoiceId,
      shipmentId: null,
      kind: null,
      amount: null,
      currency: null,
      dueDate: null,
      name: null,
      status: null,
      totalAmount: null,
      totalCurrency: null,
      balanceAmount: null,
      balanceCurrency: null,
      issuedAt: null,
      voidedAt: null,
      items: null,
    }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'kind', facts.kind, version),
        claimAmount(row, facts, version),
        claim(row, 'dueDate', facts.dueDate ?? undefined, version),
        claim(row, 'name', facts.name, version),
        claim(row, 'status', facts.status, version),
        claimMoney(row, 'total', facts.total, version),
        claimMoney(row, 'balance', facts.balance, version),
        claim(row, 'issuedAt', factDate(facts.issuedAt), version),
        claim(row, 'voidedAt', factDate(facts.voidedAt), version),
        claim(row, 'items', facts.items, version),
      ].includes(true),
  );
}

/** Amount and currency always come from the same event. */
function claimAmount(row: InvoiceState, facts: InvoiceFacts, version: EventVersion): boolean {
  if (facts.amount === undefined || facts.currency === undefined || !claimField(row.versions, 'amount', version)) return false;
  row.amount = facts.amount;
  row.currency = facts.currency;
  return true;
}

function claimMoney(row: InvoiceState, field: 'total' | 'balance', money: Money | null | undefined, version: EventVersion): boolean {
  if (money === undefined || !claimField(row.versions, field, version)) return false;
  row[`${field}Amount`] = money?.amount ?? null;
  row[`${field}Currency`] = money?.currency ?? null;
  return true;
}
