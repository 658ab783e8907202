import type { DocumentFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, EventVersion, factDate, nextRow } from '@app/versions';
import type { DocumentEntity } from './document.entity.js';

export type DocumentState = ProjectionState<DocumentEntity>;

/**
 * The document after one more event, compact or v2. Each field keeps the value of the greatest-versioned
 * event that mentions it; a null shipment id, type, file name or url means the event did not carry one.
 * `memo`, `archivedAt` and `uploadedAt` are set by v2 events only, null included (a memo removed).
 * Returns `current` itself when the event changes nothing.
 */
export function applyDocumentEvent(current: DocumentState | null, facts: DocumentFacts, version: EventVersion): DocumentState {
  return nextRow(
    current,
    () => ({
      id: facts.documentId,
      shipmentId: null,
      documentType: null,
      fileName: null,
      url: null,
      memo: null,
      archivedAt: null,
      uploadedAt: null,
    }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'documentType', facts.documentType ?? undefined, version),
        claim(row, 'fileName', facts.fileName ?? undefined, version),
        claim(row, 'url', facts.url ?? undefined, version),
        claim(row, 'memo', facts.memo, version),
        claim(row, 'archivedAt', factDate(facts.archivedAt), version),
        claim(row, 'uploadedAt', factDate(facts.uploadedAt), version),
      ].includes(true),
  );
}
