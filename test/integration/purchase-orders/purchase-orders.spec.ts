import { PurchaseOrdersHandler } from '@app/purchase-orders';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { applyConcurrently, applyInTurn, compactEvent, inVersionOrder, shuffled, tableState, truncate } from '../projections/events.js';

type PoType = 'purchase_order.created' | 'purchase_order.updated' | 'purchase_order.archived';
const po = (type: PoType, occurredAt: string, data: Record<string, unknown> = {}, id?: string) =>
  compactEvent(type, { purchase_order_id: 'PO-1', ...data }, { occurredAt, id });

const lines = (units: number) => [{ line_item_number: 1, sku: 'LMP-3301', units, unit_cost: { amount: '4.85', currency_code: 'USD' } }];

describe('purchase orders projection (Postgres)', () => {
  let db: TestDatabase;
  const service = new PurchaseOrdersHandler();
  const state = () => tableState(db.dataSource, 'purchase_orders', 'id');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await truncate(db.dataSource, 'purchase_orders');
  });

  it('ends in the same state whether events arrive in order, reversed or shuffled with duplicates', async () => {
    const events = [
      po('purchase_order.created', '2026-01-12T08:59:30Z', { number: '4500018842', buyer: 'Acme', line_items: lines(1200) }),
      po('purchase_order.updated', '2026-01-15T10:00:00Z', { line_items: lines(1500) }),
      po('purchase_order.updated', '2026-01-14T10:00:00Z', { number: '4500018843', seller: 'Bright' }),
      po('purchase_order.archived', '2026-01-13T10:00:00Z'),
    ];
    const ordered = inVersionOrder(events);
    await applyInTurn(db.dataSource, service, ordered);
    const expected = await state();
    for (const arrival of [[...ordered].reverse(), shuffled([...events, events[0], events[3]], 3), shuffled(events, 11)]) {
      await truncate(db.dataSource, 'purchase_orders');
      await applyInTurn(db.dataSource, service, arrival);
      expect(await state()).toEqual(expected);
    }
    expect(expected[0]).toMatchObject({
      id: 'PO-1',
      number: '4500018843',
      status: 'open',
      line_items: lines(1500),
      details: { buyer: 'Acme', seller: 'Bright' },
      last_event_at: new Date('2026-01-15T10:00:00Z'),
    });
  });

  it('is archived after po_archived and open again after a later po_updated, whatever the arrival order', async () => {
    const created = po('purchase_order.created', '2026-01-01T00:00:00Z', { number: 'N1' });
    const archived = po('purchase_order.archived', '2026-01-05T00:00:00Z');
    const updated = po('purchase_order.updated', '2026-01-09T00:00:00Z', { number: 'N2' });
    await applyInTurn(db.dataSource, service, [archived, created]);
    expect((await state())[0]).toMatchObject({ status: 'archived', number: 'N1' });
    await applyInTurn(db.dataSource, service, [updated]);
    expect((await state())[0]).toMatchObject({ status: 'open', number: 'N2' });
  });

  it('an archive at the same instant as an update wins: po_archived comes later in the catalogue', async () => {
    await applyInTurn(db.dataSource, service, [
      po('purchase_order.archived', '2026-01-05T00:00:00Z', {}, 'evt_a'),
      po('purchase_order.updated', '2026-01-05T00:00:00Z', {}, 'evt_z'),
    ]);
    expect((await state())[0].status).toBe('archived');
  });

  it('a late, older update does not overwrite newer line items, and fields it omits stay as they are', async () => {
    await applyInTurn(db.dataSource, service, [
      po('purchase_order.updated', '2026-01-10T00:00:00Z', { line_items: lines(2) }),
      po('purchase_order.created', '2026-01-01T00:00:00Z', { number: 'N1', line_items: lines(1) }),
      po('purchase_order.updated', '2026-01-11T00:00:00Z', { buyer: 'B' }),
    ]);
    expect((await state())[0]).toMatchObject({ number: 'N1', line_items: lines(2), details: { buyer: 'B' } });
  });

  it('an explicit null number clears it, an absent one does not', async () => {
    await applyInTurn(db.dataSource, service, [
      po('purchase_order.created', '2026-01-01T00:00:00Z', { number: 'N1' }),
      po('purchase_order.updated', '2026-01-02T00:00:00Z', {}),
    ]);
    expect((await state())[0].number).toBe('N1');
    await applyInTurn(db.dataSource, service, [po('purchase_order.updated', '2026-01-03T00:00:00Z', { number: null })]);
    expect((await state())[0].number).toBeNull();
  });

  it('keeps line items null until an event carries them', async () => {
    await applyInTurn(db.dataSource, service, [po('purchase_order.archived', '2026-01-01T00:00:00Z')]);
    expect((await state())[0]).toMatchObject({ status: 'archived', number: null, line_items: null, details: {} });
  });

  it('20 events for one PO applied from 8 concurrent transactions end in the in-order state', async () => {
    const types: PoType[] = ['purchase_order.created', 'purchase_order.updated', 'purchase_order.archived'];
    const events = Array.from({ length: 20 }, (_, i) =>
      po(types[i % 3], new Date(Date.UTC(2026, 0, 1, 0, i % 7)).toISOString(), {
        ...(i % 2 === 0 ? { number: `N${i}` } : {}),
        ...(i % 3 === 1 ? { line_items: lines(i) } : {}),
        [`note_${i % 4}`]: `n${i}`,
      }),
    );
    await applyInTurn(db.dataSource, service, inVersionOrder(events));
    const expected = await state();
    for (const seed of [5, 6, 7]) {
      await truncate(db.dataSource, 'purchase_orders');
      await applyConcurrently(db.dataSource, service, shuffled([...events, ...events.slice(0, 5)], seed), 8);
      expect(await state()).toEqual(expected);
    }
  });
});
