import type { DocumentFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, EventVersion, nextRow } from '@app/versions';
import type { DocumentEntity } from './document.entity.js';

export type DocumentState = ProjectionState<DocumentEntity>;

/**
 * The document after one more event. Each field keeps the value of the greatest-versioned event
 * that mentions it; a null shipment id, file name or url means the event did not carry one.
 * Returns `current` itself when the event changes nothing.
 */
export function applyDocumentEvent(current: DocumentState | null, facts: DocumentFacts, version: EventVersion): DocumentState {
  return nextRow(
    current,
    () => ({ id: facts.documentId, shipmentId: null, documentType: facts.documentType, fileName: null, url: null }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'documentType', facts.documentType, version),
        claim(row, 'fileName', facts.fileName ?? undefined, version),
        claim(row, 'url', facts.url ?? undefined, version),
      ].includes(true),
  );
}
