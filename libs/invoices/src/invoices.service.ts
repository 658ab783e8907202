import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyChangesToRows, EventHandler, RowChange, versionOf } from '@app/processing';
import { InvoiceEntity } from './invoice.entity.js';
import { applyInvoiceEvent } from './invoice-state.js';

/** Keeps the `invoices` projection: invoice_created and freight_invoice_ready events. */
@Injectable()
export class InvoicesService implements EventHandler {
  readonly categories = [EventCategory.Invoice] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, InvoiceEntity, 'id', [this.change(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      InvoiceEntity,
      'id',
      events.map((event) => this.change(event)),
    );
  }

  private change(event: NormalizedEvent): RowChange<InvoiceEntity> {
    const { facts } = event;
    if (facts.category !== EventCategory.Invoice) {
      throw new InvalidEventError(`invoices cannot apply a ${facts.category} event`);
    }
    const version = versionOf(event);
    return { keys: [facts.invoiceId], reduce: (current) => applyInvoiceEvent(current, facts, version) };
  }
}
