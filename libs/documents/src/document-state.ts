import type { DocumentFacts } from '@app/flexport';
import { advanceLastEventAt, claimField, EventVersion } from '@app/processing';
import type { DocumentEntity } from './document.entity.js';

/** A row as the state rules see it: without the times it was written. */
export type DocumentState = Omit<DocumentEntity, 'createdAt' | 'updatedAt'>;

/**
 * The document after one more event. Each field keeps the value of the greatest-versioned event
 * that mentions it; a null shipment id, file name or url means the event did not carry one.
 * Returns `current` itself when the event changes nothing.
 */
export function applyDocumentEvent(current: DocumentState | null, facts: DocumentFacts, version: EventVersion): DocumentState {
  const next: DocumentState = current
    ? { ...current, versions: { ...current.versions } }
    : {
        id: facts.documentId,
        shipmentId: null,
        documentType: facts.documentType,
        fileName: null,
        url: null,
        lastEventAt: new Date(version.occurredAt),
        versions: {},
      };
  let changed = current === null;
  const fields = {
    shipmentId: facts.shipmentId,
    documentType: facts.documentType,
    fileName: facts.fileName,
    url: facts.url,
  } as const;
  for (const field of Object.keys(fields) as (keyof typeof fields)[]) {
    const value = fields[field];
    if (value !== null && claimField(next.versions, field, version)) {
      next[field] = value;
      changed = true;
    }
  }
  if (advanceLastEventAt(next, version)) changed = true;
  return changed ? next : (current as DocumentState);
}
