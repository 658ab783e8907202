import { DocumentFacts, EventCategory } from '@app/flexport';
import { EventVersion } from '@app/versions';
import { applyDocumentEvent, DocumentState } from './document-state.js';

const event = (occurredAt: string, fields: Partial<DocumentFacts>, name = 'document_uploaded', eventId = `evt_${occurredAt}`) =>
  [
    {
      category: EventCategory.Document,
      documentId: 'doc_1',
      shipmentId: null,
      documentType: 'other',
      fileName: null,
      url: null,
      ...fields,
    } as DocumentFacts,
    { occurredAt, name, eventId } as EventVersion,
  ] as const;
const fold = (...events: (readonly [DocumentFacts, EventVersion])[]) =>
  events.reduce<DocumentState | null>((state, [facts, version]) => applyDocumentEvent(state, facts, version), null) as DocumentState;

describe('document state rules', () => {
  it('each field is won by the latest event that carries it', () => {
    const state = fold(
      event('2026-03-05T00:00:00.000Z', { documentType: 'commercial_invoice', url: 'https://x/v2' }),
      event('2026-03-01T00:00:00.000Z', { documentType: 'packing_list', url: 'https://x/v1', fileName: 'a.pdf', shipmentId: 'S' }),
    );
    expect(state).toMatchObject({
      documentType: 'commercial_invoice',
      url: 'https://x/v2',
      fileName: 'a.pdf',
      shipmentId: 'S',
      lastEventAt: new Date('2026-03-05T00:00:00.000Z'),
    });
  });

  it('returns the same object when a late, older event has nothing newer to say', () => {
    const state = fold(event('2026-03-05T00:00:00.000Z', { url: 'https://x/v2', fileName: 'b.pdf', shipmentId: 'S' }));
    expect(applyDocumentEvent(state, ...event('2026-03-01T00:00:00.000Z', { url: 'https://x/v1', fileName: 'a.pdf' }))).toBe(state);
  });

  it('a v2 document sets memo, archive and upload times (null included); a compact one leaves them alone', () => {
    const uploaded = event(
      '2026-02-24T00:00:00.000Z',
      { memo: null, archivedAt: null, uploadedAt: '2026-02-24T00:00:00.000Z' },
      'document_updated',
    );
    const archived = event('2026-02-26T00:00:00.000Z', { memo: 'Superseded', archivedAt: '2026-02-26T00:00:00.000Z' }, 'document_updated');
    const compact = event('2026-03-01T00:00:00.000Z', { fileName: 'c.pdf' });
    for (const state of [fold(uploaded, archived, compact), fold(compact, archived, uploaded)]) {
      expect(state).toMatchObject({
        memo: 'Superseded',
        archivedAt: new Date('2026-02-26T00:00:00.000Z'),
        uploadedAt: new Date('2026-02-24T00:00:00.000Z'),
        fileName: 'c.pdf',
      });
    }
  });

  it('a document first described without a type has none until an event names it', () => {
    expect(fold(event('2026-02-24T00:00:00.000Z', { documentType: null }, 'document_updated')).documentType).toBeNull();
  });
});
