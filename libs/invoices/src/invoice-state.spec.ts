import { EventCategory, InvoiceFacts } from '@app/flexport';
import { EventVersion } from '@app/versions';
import { applyInvoiceEvent, InvoiceState } from './invoice-state.js';

const event = (
  name: 'invoice_created' | 'freight_invoice_ready',
  occurredAt: string,
  fields: Partial<InvoiceFacts>,
  eventId = `evt_${occurredAt}`,
) =>
  [
    {
      category: EventCategory.Invoice,
      invoiceId: 'INV-1',
      shipmentId: null,
      kind: name === 'freight_invoice_ready' ? 'freight_invoice' : 'invoice',
      amount: '0',
      currency: 'USD',
      dueDate: null,
      ...fields,
    } as InvoiceFacts,
    { occurredAt, name, eventId } as EventVersion,
  ] as const;
const fold = (...events: (readonly [InvoiceFacts, EventVersion])[]) =>
  events.reduce<InvoiceState | null>((state, [facts, version]) => applyInvoiceEvent(state, facts, version), null) as InvoiceState;

describe('invoice state rules', () => {
  it('keeps the amount as the exact decimal string it was sent', () => {
    expect(fold(event('freight_invoice_ready', '2026-03-25T10:29:41.000Z', { amount: '18422.07' }))).toMatchObject({
      amount: '18422.07',
      currency: 'USD',
      kind: 'freight_invoice',
    });
  });

  it('amount and currency always come from the same event', () => {
    const state = fold(
      event('invoice_created', '2026-03-02T00:00:00.000Z', { amount: '10.00', currency: 'EUR' }),
      event('invoice_created', '2026-03-01T00:00:00.000Z', { amount: '99.00', currency: 'USD', dueDate: '2026-04-01' }),
    );
    expect(state).toMatchObject({ amount: '10.00', currency: 'EUR', dueDate: '2026-04-01' });
  });

  it('an event without a due date or shipment leaves the stored ones alone', () => {
    const state = fold(
      event('invoice_created', '2026-03-01T00:00:00.000Z', { dueDate: '2026-04-01', shipmentId: 'SHP-1' }),
      event('freight_invoice_ready', '2026-03-02T00:00:00.000Z', { amount: '5' }),
    );
    expect(state).toMatchObject({ dueDate: '2026-04-01', shipmentId: 'SHP-1', kind: 'freight_invoice', amount: '5' });
  });

  it('the kind is that of the latest event; at the same instant freight_invoice_ready wins', () => {
    const t = '2026-03-01T00:00:00.000Z';
    expect(fold(event('freight_invoice_ready', t, {}, 'a'), event('invoice_created', t, {}, 'z')).kind).toBe('freight_invoice');
    expect(fold(event('freight_invoice_ready', t, {}), event('invoice_created', '2026-03-02T00:00:00.000Z', {})).kind).toBe('invoice');
  });
});
