import fc from 'fast-check';
import { NormalizedEvent } from '@app/flexport';
import { compactEvent } from './events.js';

/** Few instants, so that many events tie on occurredAt and the catalogue and eventId tie-breaks are exercised. */
const INSTANTS = ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.001Z', '2026-03-02T12:00:00.000Z', '2026-03-05T08:30:00.000Z'];

interface Draft {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Sets of 1–`maxLength` events with distinct ids, normalised as the pipeline would. */
function eventSet(draft: fc.Arbitrary<Draft>, maxLength = 12): fc.Arbitrary<NormalizedEvent[]> {
  return fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^evt_[0-9a-f]{6}$/), draft), { minLength: 1, maxLength, selector: ([id]) => id })
    .map((drafts) => drafts.map(([id, { type, occurredAt, data }]) => compactEvent(type, data, { id, occurredAt })));
}

const instant = fc.constantFrom(...INSTANTS);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const defined = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
const shipmentId = maybe(fc.constantFrom('SHP-1', 'SHP-2'));
const location = maybe(fc.record({ name: fc.constantFrom('Yantian', 'Rotterdam'), country: fc.constantFrom('CN', 'NL') }));
const freeFields = fc.dictionary(
  fc.constantFrom('vessel', 'voyage', 'buyer', 'note'),
  fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)),
  {
    maxKeys: 3,
  },
);

export const bookingEvents = eventSet(
  fc.record({
    type: fc.constantFrom('booking.confirmed', 'booking.amended'),
    occurredAt: instant,
    data: fc
      .tuple(fc.constantFrom('BKG-1', 'BKG-2'), shipmentId, freeFields)
      .map(([booking_id, shipment_id, free]) => defined({ ...free, booking_id, shipment_id })),
  }),
);

export const purchaseOrderEvents = eventSet(
  fc.record({
    type: fc.constantFrom('purchase_order.created', 'purchase_order.updated', 'purchase_order.archived'),
    occurredAt: instant,
    data: fc
      .tuple(
        fc.constantFrom('PO-1', 'PO-2'),
        maybe(fc.option(fc.constantFrom('4500018842', '4500018843'))),
        maybe(fc.array(fc.record({ sku: fc.constantFrom('A', 'B'), units: fc.nat(2000) }), { maxLength: 2 })),
        freeFields,
      )
      .map(([purchase_order_id, number, line_items, free]) => defined({ ...free, purchase_order_id, number, line_items })),
  }),
);

export const invoiceEvents = eventSet(
  fc.record({
    type: fc.constantFrom('invoice.created', 'invoice.freight_invoice_ready'),
    occurredAt: instant,
    data: fc
      .tuple(
        fc.constantFrom('INV-1', 'INV-2'),
        shipmentId,
        fc.stringMatching(/^-?\d{1,15}(\.\d{1,6})?$/),
        fc.constantFrom('USD', 'EUR', 'cny'),
        maybe(fc.constantFrom('2026-04-01', '2026-04-24')),
      )
      .map(([invoice_id, shipment_id, amount, currency, due_date]) => defined({ invoice_id, shipment_id, amount, currency, due_date })),
  }),
);

export const documentEvents = eventSet(
  fc
    .record({
      type: fc.constantFrom('document.uploaded', 'document.bill_of_lading_ready'),
      occurredAt: instant,
      data: fc
        .tuple(
          fc.constantFrom('doc_1', 'doc_2'),
          shipmentId,
          maybe(fc.constantFrom('commercial_invoice', 'packing_list')),
          maybe(fc.constantFrom('a.pdf', 'b.pdf')),
          maybe(fc.constantFrom('https://x/1', 'https://x/2')),
        )
        .map(([document_id, shipment_id, document_type, file_name, url]) =>
          defined({ document_id, shipment_id, document_type, file_name, url }),
        ),
    })
    .map((draft) =>
      // document_uploaded must name its type; bill_of_lading_ready defaults to bill_of_lading.
      draft.type === 'document.uploaded' && draft.data.document_type === undefined
        ? { ...draft, data: { ...draft.data, document_type: 'other' } }
        : draft,
    ),
);

export const containerEvents = eventSet(
  fc.record({
    type: fc.constantFrom('container.loaded', 'container.unloaded'),
    occurredAt: instant,
    data: fc
      .tuple(fc.constantFrom('MSKU1', 'TGHU2'), shipmentId, location)
      .map(([container_number, shipment_id, location]) => defined({ container_number, shipment_id, location })),
  }),
);

/** The events in a random order, some of them delivered more than once. */
export function arrivals(events: NormalizedEvent[]): fc.Arbitrary<NormalizedEvent[]> {
  return fc
    .tuple(fc.shuffledSubarray(events, { minLength: events.length }), fc.subarray(events))
    .chain(([all, again]) => fc.shuffledSubarray([...all, ...again], { minLength: all.length + again.length }));
}
