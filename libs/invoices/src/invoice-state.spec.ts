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
/** A v2 `/invoice` resource event: no compact fields. */
const resource = (occurredAt: string, fields: Partial<InvoiceFacts>, eventId = `evt_v2_${occurredAt}`) =>
  [
    { category: EventCategory.Invoice, invoiceId: 'INV-1', shipmentId: null, dueDate: null, ...fields } as InvoiceFacts,
    { occurredAt, name: 'invoice_updated', eventId } as EventVersion,
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

  it('an invoice described only by v2 events has no compact kind, amount or currency', () => {
    const state = fold(resource('2026-04-01T00:00:00.000Z', { status: 'outstanding', total: { amount: '1941.13', currency: 'USD' } }));
    expect(state).toMatchObject({
      kind: null,
      amount: null,
      currency: null,
      status: 'outstanding',
      totalAmount: '1941.13',
      totalCurrency: 'USD',
    });
  });

  it('compact and v2 events describe one invoice field by field; the due date is whichever carried it last', () => {
    const compact = event('freight_invoice_ready', '2026-03-25T00:00:00.000Z', {
      amount: '18422.07',
      dueDate: '2026-04-24',
      shipmentId: 'SHP-1',
    });
    const paid = resource('2026-04-20T00:00:00.000Z', {
      status: 'paid',
      balance: { amount: '0.00', currency: 'USD' },
      dueDate: '2026-04-30',
      issuedAt: '2026-03-25T00:00:00.000Z',
      voidedAt: null,
      items: [{ slug: 'ocean_freight' }],
    });
    const shared = resource('2026-04-02T00:00:00.000Z', {
      status: 'outstanding',
      name: 'FLEX-1',
      balance: { amount: '18422.07', currency: 'USD' },
    });
    for (const state of [fold(compact, shared, paid), fold(paid, shared, compact), fold(shared, paid, compact)]) {
      expect(state).toMatchObject({
        kind: 'freight_invoice',
        amount: '18422.07',
        currency: 'USD',
        shipmentId: 'SHP-1',
        dueDate: '2026-04-30',
        name: 'FLEX-1',
        status: 'paid',
        balanceAmount: '0.00',
        balanceCurrency: 'USD',
        issuedAt: new Date('2026-03-25T00:00:00.000Z'),
        voidedAt: null,
        items: [{ slug: 'ocean_freight' }],
        lastEventAt: new Date('2026-04-20T00:00:00.000Z'),
      });
    }
  });

  it('at the same instant a v2 resource wins the fields it shares with a compact event', () => {
    const t = '2026-03-25T00:00:00.000Z';
    const compact = event('freight_invoice_ready', t, { dueDate: '2026-04-24' }, 'z');
    const v2 = resource(t, { dueDate: '2026-04-30' }, 'a');
    expect(fold(compact, v2).dueDate).toBe('2026-04-30');
    expect(fold(v2, compact).dueDate).toBe('2026-04-30');
  });

  it('money amount and currency come from the same event; a Money sent as null clears it', () => {
    const state = fold(
      resource('2026-04-02T00:00:00.000Z', { total: null }),
      resource('2026-04-01T00:00:00.000Z', { total: { amount: '5.00', currency: 'EUR' } }),
    );
    expect(state).toMatchObject({ totalAmount: null, totalCurrency: null });
  });
});
