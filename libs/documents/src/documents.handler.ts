import { DocumentFacts, EventCategory } from '@app/flexport';
import { HandlesEvents, ProjectionHandler, RowChange } from '@app/processing';
import type { EventVersion } from '@app/versions';
import { DocumentEntity } from './document.entity.js';
import { applyDocumentEvent } from './document-state.js';

/** Keeps the `documents` projection: document_uploaded and bill_of_lading_ready events. */
@HandlesEvents(EventCategory.Document)
export class DocumentsHandler extends ProjectionHandler<DocumentEntity, DocumentFacts> {
  constructor() {
    super(DocumentEntity, 'id');
  }

  protected change(facts: DocumentFacts, version: EventVersion): RowChange<DocumentEntity> {
    return { keys: [facts.documentId], reduce: (current) => applyDocumentEvent(current, facts, version) };
  }
}
