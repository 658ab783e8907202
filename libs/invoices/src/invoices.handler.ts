import { InvoiceFacts, EventCategory } from '@app/flexport';
import { HandlesEvents, ProjectionHandler, RowChange } from '@app/processing';
import type { EventVersion } from '@app/versions';
import { InvoiceEntity } from './invoice.entity.js';
import { applyInvoiceEvent } from './invoice-state.js';

/** Keeps the `invoices` projection: invoice_created and freight_invoice_ready events. */
@HandlesEvents(EventCategory.Invoice)
export class InvoicesHandler extends ProjectionHandler<InvoiceEntity, InvoiceFacts> {
  constructor() {
    super(InvoiceEntity, 'id');
  }

  protected change(facts: InvoiceFacts, version: EventVersion): RowChange<InvoiceEntity> {
    return { keys: [facts.invoiceId], reduce: (current) => applyInvoiceEvent(current, facts, version) };
  }
}
