import { InvoicesHandler } from '@app/invoices';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { applyConcurrently, applyInTurn, compactEvent, inVersionOrder, shuffled, truncate, v2Event } from '../projections/events.js';

type InvoiceType = 'invoice.created' | 'invoice.freight_invoice_ready';
const invoice = (type: InvoiceType, occurredAt: string, data: Record<string, unknown>, id?: string) =>
  compactEvent(type, { invoice_id: 'INV-1', currency: 'USD', ...data }, { occurredAt, id });

describe('invoices projection (Postgres)', () => {
  let db: TestDatabase;
  const service = new InvoicesHandler();
  // due_date read as text: node-postgres would turn a DATE into a Date at local midnight.
  const state = (): Promise<Record<string, unknown>[]> =>
    db.dataSource.query(
      `SELECT id, shipment_id, kind, amount, currency, due_date::text AS due_date, last_event_at, versions FROM invoices ORDER BY id`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await truncate(db.dataSource, 'invoices');
  });

  it('keeps "18422.07" exactly, as a decimal string', async () => {
    await applyInTurn(db.dataSource, service, [
      invoice('invoice.freight_invoice_ready', '2026-03-25T10:29:41Z', {
        amount: '18422.07',
        due_date: '2026-04-24',
        shipment_id: 'SHP-104233',
      }),
    ]);
    expect((await state())[0]).toMatchObject({
      id: 'INV-1',
      shipment_id: 'SHP-104233',
      kind: 'freight_invoice',
      amount: '18422.07',
      currency: 'USD',
      due_date: '2026-04-24',
    });
  });

  it.each(['999999999999999.999999', '0.10', '-1250.5', '100', '0.000001', '123456789012345'])(
    'round-trips the amount %s digit for digit',
    async (amount) => {
      await applyInTurn(db.dataSource, service, [invoice('invoice.created', '2026-03-01T00:00:00Z', { amount })]);
      expect((await state())[0].amount).toBe(amount);
    },
  );

  it('sums of stored amounts are exact in SQL (no float anywhere)', async () => {
    await applyInTurn(db.dataSource, service, [
      invoice('invoice.created', '2026-03-01T00:00:00Z', { invoice_id: 'A', amount: '0.10' }),
      invoice('invoice.created', '2026-03-01T00:00:00Z', { invoice_id: 'B', amount: '0.20' }),
    ]);
    const [{ total }] = await db.dataSource.query(`SELECT sum(amount)::text AS total FROM invoices`);
    expect(total).toBe('0.30');
  });

  it('a late, older invoice event does not overwrite the newer amount, currency or due date', async () => {
    await applyInTurn(db.dataSource, service, [
      invoice('invoice.freight_invoice_ready', '2026-03-25T00:00:00Z', { amount: '200.00', currency: 'EUR', due_date: '2026-04-30' }),
      invoice('invoice.created', '2026-03-20T00:00:00Z', {
        amount: '150.00',
        currency: 'USD',
        due_date: '2026-04-20',
        shipment_id: 'SHP-7',
      }),
    ]);
    expect((await state())[0]).toMatchObject({
      kind: 'freight_invoice',
      amount: '200.00',
      currency: 'EUR',
      due_date: '2026-04-30',
      shipment_id: 'SHP-7',
      last_event_at: new Date('2026-03-25T00:00:00Z'),
    });
  });

  it('ends in the same state whether events arrive in order, reversed or shuffled with duplicates', async () => {
    const events = [
      invoice('invoice.created', '2026-03-01T00:00:00Z', { amount: '10.00', shipment_id: 'SHP-1' }),
      invoice('invoice.freight_invoice_ready', '2026-03-03T00:00:00Z', { amount: '12.50', due_date: '2026-04-03' }),
      invoice('invoice.created', '2026-03-03T00:00:00Z', { amount: '11.00', currency: 'eur' }),
      invoice('invoice.created', '2026-03-02T00:00:00Z', { amount: '9.99', due_date: '2026-04-01', shipment_id: 'SHP-2' }),
    ];
    const ordered = inVersionOrder(events);
    await applyInTurn(db.dataSource, service, ordered);
    const expected = await state();
    for (const arrival of [[...ordered].reverse(), shuffled([...events, ...events], 9)]) {
      await truncate(db.dataSource, 'invoices');
      await applyInTurn(db.dataSource, service, arrival);
      expect(await state()).toEqual(expected);
    }
    // Same instant: freight_invoice_ready is later in the catalogue than invoice_created.
    expect(expected[0]).toMatchObject({
      kind: 'freight_invoice',
      amount: '12.50',
      currency: 'USD',
      due_date: '2026-04-03',
      shipment_id: 'SHP-2',
    });
  });

  it('20 events for one invoice applied from 8 concurrent transactions end in the in-order state', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      invoice(i % 2 ? 'invoice.created' : 'invoice.freight_invoice_ready', new Date(Date.UTC(2026, 2, 1, i % 9)).toISOString(), {
        amount: `${i}.${String(i).padStart(2, '0')}`,
        ...(i % 3 === 0 ? { due_date: `2026-04-${String(i + 1).padStart(2, '0')}` } : {}),
      }),
    );
    await applyInTurn(db.dataSource, service, events);
    const expected = await state();
    await truncate(db.dataSource, 'invoices');
    await applyConcurrently(db.dataSource, service, shuffled(events, 4), 8);
    expect(await state()).toEqual(expected);
  });

  describe('v2 /invoice resources', () => {
    const v2 = (occurredAt: string, resource: Record<string, unknown>, type = '/invoice#invoice_payment_made') =>
      v2Event(type, { resource: { _object: '/invoice', id: 'INV-1', ...resource } }, { occurredAt });
    const v2State = async () =>
      (
        await db.dataSource.query(
          `SELECT kind, amount, currency, due_date::text AS due_date, name, status, total_amount::text AS total_amount,
                  trim(total_currency) AS total_currency, balance_amount::text AS balance_amount, issued_at, voided_at, items
             FROM invoices`,
        )
      )[0];

    it.each(['999999999999999.999999', '0.10', '-1250.5', '1941.13'])(
      'keeps a total of %s digit for digit, with no compact field',
      async (amount) => {
        await applyInTurn(db.dataSource, service, [
          v2('2026-04-01T00:00:00Z', { total: { amount, currency_code: 'usd' }, status: 'outstanding' }),
        ]);
        expect(await v2State()).toMatchObject({
          kind: null,
          amount: null,
          currency: null,
          total_amount: amount,
          total_currency: 'USD',
          status: 'outstanding',
        });
      },
    );

    it('a compact invoice and v2 events of it, applied in any order, end with each field of its latest event', async () => {
      const events = [
        invoice('invoice.created', '2026-03-25T00:00:00Z', { amount: '100.00', due_date: '2026-04-20', shipment_id: 'SHP-1' }),
        v2('2026-03-26T00:00:00Z', { status: 'outstanding', balance: { amount: '100.00', currency_code: 'USD' }, due_date: '2026-04-24' }),
        v2('2026-04-20T00:00:00Z', {
          status: 'paid',
          balance: { amount: '0.00', currency_code: 'USD' },
          items: [{ slug: 'ocean_freight', amount: { amount: '100.00', currency_code: 'USD' } }],
          issued_at: '2026-03-25T09:00:00+08:00',
          voided_at: null,
        }),
      ];
      for (const arrival of [events, [...events].reverse(), shuffled([...events, ...events], 3)]) {
        await truncate(db.dataSource, 'invoices');
        await applyInTurn(db.dataSource, service, arrival);
        expect(await v2State()).toEqual({
          kind: 'invoice',
          amount: '100.00',
          currency: 'USD',
          due_date: '2026-04-24',
          name: null,
          status: 'paid',
          total_amount: null,
          total_currency: null,
          balance_amount: '0.00',
          issued_at: new Date('2026-03-25T01:00:00Z'),
          voided_at: null,
          items: [{ slug: 'ocean_freight', amount: { amount: '100.00', currency_code: 'USD' } }],
        });
      }
    });
  });
});
