import { EventCategory, PurchaseOrderFacts } from '@app/flexport';
import { EventVersion } from '@app/versions';
import { applyPurchaseOrderEvent, PurchaseOrderState } from './purchase-order-state.js';

type Name = 'po_created' | 'po_updated' | 'po_archived';
const event = (
  name: Name,
  occurredAt: string,
  fields: Partial<Pick<PurchaseOrderFacts, 'number' | 'lineItems' | 'details'>> = {},
  eventId = `evt_${name}_${occurredAt}`,
) =>
  [
    {
      category: EventCategory.PurchaseOrder,
      purchaseOrderId: 'PO-1',
      status: name === 'po_archived' ? 'archived' : 'open',
      details: {},
      ...fields,
    } as PurchaseOrderFacts,
    { occurredAt, name, eventId } as EventVersion,
  ] as const;
const fold = (...events: (readonly [PurchaseOrderFacts, EventVersion])[]) =>
  events.reduce<PurchaseOrderState | null>(
    (state, [facts, version]) => applyPurchaseOrderEvent(state, facts, version),
    null,
  ) as PurchaseOrderState;

describe('purchase order state rules', () => {
  it('is open after po_created and po_updated, archived after po_archived, whichever occurred last', () => {
    const created = event('po_created', '2026-01-01T00:00:00.000Z');
    const archived = event('po_archived', '2026-01-02T00:00:00.000Z');
    const updated = event('po_updated', '2026-01-03T00:00:00.000Z');
    expect(fold(created).status).toBe('open');
    expect(fold(archived, created).status).toBe('archived');
    expect(fold(updated, archived, created).status).toBe('open');
  });

  it('at the same instant, po_archived wins over po_updated', () => {
    const t = '2026-01-02T00:00:00.000Z';
    expect(fold(event('po_archived', t, {}, 'a'), event('po_updated', t, {}, 'z')).status).toBe('archived');
  });

  it('fields an event does not mention keep their value; an explicit null number is a value', () => {
    const state = fold(
      event('po_created', '2026-01-01T00:00:00.000Z', { number: 'N1', lineItems: [{ sku: 'A' }], details: { buyer: 'Acme' } }),
      event('po_updated', '2026-01-02T00:00:00.000Z', { details: { seller: 'Bright' } }),
    );
    expect(state).toMatchObject({ number: 'N1', lineItems: [{ sku: 'A' }], details: { buyer: 'Acme', seller: 'Bright' } });
    expect(applyPurchaseOrderEvent(state, ...event('po_updated', '2026-01-03T00:00:00.000Z', { number: null })).number).toBeNull();
  });

  it('a late, older event does not overwrite newer line items', () => {
    const state = fold(
      event('po_updated', '2026-01-05T00:00:00.000Z', { lineItems: [{ sku: 'NEW' }] }),
      event('po_created', '2026-01-01T00:00:00.000Z', { lineItems: [{ sku: 'OLD' }], number: 'N1' }),
    );
    expect(state).toMatchObject({ lineItems: [{ sku: 'NEW' }], number: 'N1', lastEventAt: new Date('2026-01-05T00:00:00.000Z') });
  });

  it('returns the same object for an event it has already applied', () => {
    const created = event('po_created', '2026-01-01T00:00:00.000Z', { number: 'N1' });
    const state = fold(created);
    expect(applyPurchaseOrderEvent(state, ...created)).toBe(state);
  });
});
