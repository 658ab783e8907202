import { DocumentsHandler } from '@app/documents';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { applyConcurrently, applyInTurn, compactEvent, inVersionOrder, shuffled, tableState, truncate } from '../projections/events.js';

type DocumentType = 'document.uploaded' | 'document.bill_of_lading_ready';
const documentEvent = (type: DocumentType, occurredAt: string, data: Record<string, unknown>, id?: string) =>
  compactEvent(type, { document_id: 'doc_1', ...data }, { occurredAt, id });

describe('documents projection (Postgres)', () => {
  let db: TestDatabase;
  const service = new DocumentsHandler();
  const state = () => tableState(db.dataSource, 'documents', 'id');

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await truncate(db.dataSource, 'documents');
  });

  it('records a bill of lading, typed even when the event names no document type', async () => {
    await applyInTurn(db.dataSource, service, [
      documentEvent('document.bill_of_lading_ready', '2026-03-02T11:58:12Z', {
        shipment_id: 'SHP-1',
        file_name: 'HBL.pdf',
        url: 'https://x/doc_1',
      }),
    ]);
    expect(await state()).toEqual([
      expect.objectContaining({
        id: 'doc_1',
        shipment_id: 'SHP-1',
        document_type: 'bill_of_lading',
        file_name: 'HBL.pdf',
        url: 'https://x/doc_1',
      }),
    ]);
  });

  it('a late, older upload does not overwrite a newer url, and fields it omits stay as they are', async () => {
    await applyInTurn(db.dataSource, service, [
      documentEvent('document.uploaded', '2026-03-05T00:00:00Z', { document_type: 'commercial_invoice', url: 'https://x/v2' }),
      documentEvent('document.uploaded', '2026-03-01T00:00:00Z', {
        document_type: 'packing_list',
        url: 'https://x/v1',
        file_name: 'a.pdf',
        shipment_id: 'S',
      }),
      documentEvent('document.uploaded', '2026-03-06T00:00:00Z', { document_type: 'commercial_invoice' }),
    ]);
    expect((await state())[0]).toMatchObject({
      document_type: 'commercial_invoice',
      url: 'https://x/v2',
      file_name: 'a.pdf',
      shipment_id: 'S',
      last_event_at: new Date('2026-03-06T00:00:00Z'),
    });
  });

  it('ends in the same state whether events arrive in order, reversed, shuffled with duplicates or concurrently', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      documentEvent(
        i % 4 === 0 ? 'document.bill_of_lading_ready' : 'document.uploaded',
        new Date(Date.UTC(2026, 2, 1, i % 6)).toISOString(),
        {
          document_type: `type_${i % 5}`,
          ...(i % 2 ? { url: `https://x/${i}` } : {}),
          ...(i % 3 ? { file_name: `f${i}.pdf` } : {}),
          ...(i % 7 === 0 ? { shipment_id: `SHP-${i}` } : {}),
        },
      ),
    );
    const ordered = inVersionOrder(events);
    await applyInTurn(db.dataSource, service, ordered);
    const expected = await state();
    await truncate(db.dataSource, 'documents');
    await applyInTurn(db.dataSource, service, [...ordered].reverse());
    expect(await state()).toEqual(expected);
    await truncate(db.dataSource, 'documents');
    await applyInTurn(db.dataSource, service, shuffled([...events, ...events.slice(3, 9)], 8));
    expect(await state()).toEqual(expected);
    await truncate(db.dataSource, 'documents');
    await applyConcurrently(db.dataSource, service, shuffled(events, 12), 8);
    expect(await state()).toEqual(expected);
  });
});
