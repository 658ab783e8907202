import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyChangesToRows, EventHandler, RowChange, versionOf } from '@app/processing';
import { DocumentEntity } from './document.entity.js';
import { applyDocumentEvent } from './document-state.js';

/** Keeps the `documents` projection: document_uploaded and bill_of_lading_ready events. */
@Injectable()
export class DocumentsService implements EventHandler {
  readonly categories = [EventCategory.Document] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, DocumentEntity, 'id', [this.change(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      DocumentEntity,
      'id',
      events.map((event) => this.change(event)),
    );
  }

  private change(event: NormalizedEvent): RowChange<DocumentEntity> {
    const { facts } = event;
    if (facts.category !== EventCategory.Document) {
      throw new InvalidEventError(`documents cannot apply a ${facts.category} event`);
    }
    const version = versionOf(event);
    return { keys: [facts.documentId], reduce: (current) => applyDocumentEvent(current, facts, version) };
  }
}
