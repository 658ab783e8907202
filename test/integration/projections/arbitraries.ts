import fc from 'fast-check';
import { NormalizedEvent } from '@app/flexport';
import { compactEvent, v2Event } from './events.js';

/** Few instants, so that many events tie on occurredAt and the catalogue and eventId tie-breaks are exercised. */
const INSTANTS = ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.001Z', '2026-03-02T12:00:00.000Z', '2026-03-05T08:30:00.000Z'];

interface Draft {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Sets of 1–`maxLength` events with distinct ids, normalised as the pipeline would (v2 envelopes for `/…` types). */
function eventSet(draft: fc.Arbitrary<Draft>, maxLength = 12): fc.Arbitrary<NormalizedEvent[]> {
  return fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^evt_[0-9a-f]{6}$/), draft), { minLength: 1, maxLength, selector: ([id]) => id })
    .map((drafts) =>
      drafts.map(([id, { type, occurredAt, data }]) =>
        type.startsWith('/') ? v2Event(type, data, { id, occurredAt }) : compactEvent(type, data, { id, occurredAt }),
      ),
    );
}

/** A field of a v2 resource: absent (the event does not mention it), null, or one of `values`. */
const sent = <T>(...values: T[]) => fc.option(fc.option(fc.constantFrom(...values), { nil: null }), { nil: undefined });

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

const money = fc.record({ amount: fc.stringMatching(/^-?\d{1,15}(\.\d{1,6})?$/), currency_code: fc.constantFrom('USD', 'eur') });

/** Compact invoice events and v2 `/invoice` resources, whatever their verb, about the same invoices. */
export const invoiceEvents = eventSet(
  fc.oneof(
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
    fc.record({
      type: fc.constantFrom('/invoice#invoice_payment_made', '/invoice#invoice_voided', '/invoice#not_published_yet'),
      occurredAt: instant,
      data: fc
        .record({
          id: fc.constantFrom('INV-1', 'INV-2'),
          name: sent('FLEX-1', 'FLEX-2'),
          status: sent('outstanding', 'paid', 'void'),
          total: fc.option(fc.option(money, { nil: null }), { nil: undefined }),
          balance: fc.option(fc.option(money, { nil: null }), { nil: undefined }),
          due_date: sent('2026-04-01', '2026-04-30'),
          issued_at: sent('2026-03-01T00:00:00Z', '2026-03-02T10:00:00+08:00'),
          voided_at: sent('2026-03-09T00:00:00Z'),
          items: sent([{ slug: 'ocean_freight' }], []),
          shipments: maybe(fc.constantFrom([{ id: 1 }], [{ id: 'SHP-2' }])),
        })
        .map((invoice) => ({ resource: defined({ _object: '/invoice', ...invoice }) })),
    }),
  ),
);

const v2Documents = fc.record({
  type: fc.constantFrom('/document#uploaded', '/document#archived'),
  occurredAt: instant,
  data: fc
    .record({
      id: fc.constantFrom('doc_1', 'doc_2'),
      document_type: maybe(fc.constantFrom('commercial_invoice', 'packing_list')),
      file_name: maybe(fc.constantFrom('a.pdf', 'c.pdf')),
      file_link: maybe(fc.constantFrom('https://x/1', 'https://x/3')),
      memo: sent('first', 'second'),
      archived_at: sent('2026-03-02T00:00:00Z'),
      uploaded: maybe(fc.constantFrom('2026-03-01T00:00:00Z', '2026-03-01T12:00:00Z')),
      shipment: maybe(fc.constantFrom({ id: 1 }, { id: 'SHP-2' })),
    })
    .map(({ uploaded, ...document }) => ({
      resource: defined({ _object: '/document', ...document, file_metadata: uploaded && { uploaded_at: uploaded } }),
    })),
});

/** Compact document events and v2 `/document` resources about the same documents. */
export const documentEvents = eventSet(
  fc.oneof(
    v2Documents,
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
  ),
);

/** Compact loading and unloading, and the v2 date events, with or without the dates on the container resource. */
export const containerEvents = eventSet(
  fc.oneof(
    fc.record({
      type: fc.constantFrom('container.loaded', 'container.unloaded'),
      occurredAt: instant,
      data: fc
        .tuple(fc.constantFrom('MSKU1', 'TGHU2'), shipmentId, location)
        .map(([container_number, shipment_id, location]) => defined({ container_number, shipment_id, location })),
    }),
    fc.record({
      type: fc.constantFrom(
        '/ocean/shipment_container#free_time_to_expire',
        '/ocean/shipment_container#free_time_expired',
        '/ocean/shipment_container#empty_returned',
        '/ocean/shipment_container_leg#available_for_pickup',
      ),
      occurredAt: instant,
      data: fc
        .record({
          container_number: fc.constantFrom('MSKU1', 'TGHU2'),
          last_free_day_date: sent('2026-03-10', '2026-03-12'),
          available_for_pickup_date: sent('2026-03-03T00:00:00Z'),
          empty_returned_date: sent('2026-03-20T00:00:00-07:00'),
          shipment: maybe(fc.constantFrom({ id: 1 }, { id: 'SHP-2' })),
        })
        .map(({ shipment, ...container }) =>
          defined({ resource: { _object: '/ocean/shipment_container', ...defined(container) }, shipment, containers: [] }),
        ),
    }),
  ),
);

const v2Shipment = (shipment: string, resource: Record<string, unknown> = {}) => ({
  resource: { _object: '/shipment', id: shipment, ...resource },
  shipment: { id: shipment },
});

/** Milestones, ETA updates, exceptions and holds, and cargo-ready-date changes of two shipments. */
export const shipmentEvents = eventSet(
  fc.oneof(
    fc.record({
      type: fc.constant('shipment.milestone'),
      occurredAt: instant,
      data: fc
        .tuple(fc.constantFrom('SHP-1', 'SHP-2'), fc.constantFrom('departed', 'arrived', 'customs_cleared', 'delivered'), location)
        .map(([shipment_id, milestone, location]) => defined({ shipment_id, milestone, location })),
    }),
    fc.record({
      type: fc.constant('shipment.eta_updated'),
      occurredAt: instant,
      data: fc
        .tuple(fc.constantFrom('SHP-1', 'SHP-2'), fc.constantFrom('2026-03-20T00:00:00Z', '2026-03-21T00:00:00Z'))
        .map(([shipment_id, estimated_arrival]) => ({ shipment_id, estimated_arrival })),
    }),
    fc.record({
      type: fc.constantFrom(
        '/shipment#weather_delay',
        '/shipment#cargo_rolled_from_booked_vessel',
        '/shipment#customs_agriculture_hold',
        '/shipment#customs_undergoing_x_ray_exam',
        '/shipment#customs_entry_release_status_released',
      ),
      occurredAt: instant,
      data: fc.constantFrom('SHP-1', 'SHP-2').map((shipment) => v2Shipment(shipment)),
    }),
    fc.record({
      type: fc.constantFrom('/shipment#cargo_ready_date_changed', '/shipment#updated_cargo_ready_date'),
      occurredAt: instant,
      data: fc
        .tuple(fc.constantFrom('SHP-1', 'SHP-2'), fc.constantFrom('2026-02-20', '2026-02-27'))
        .map(([shipment, date]) => v2Shipment(shipment, { cargo_ready_date: date })),
    }),
  ),
);

/** The events in a random order, some of them delivered more than once. */
export function arrivals(events: NormalizedEvent[]): fc.Arbitrary<NormalizedEvent[]> {
  return fc
    .tuple(fc.shuffledSubarray(events, { minLength: events.length }), fc.subarray(events))
    .chain(([all, again]) => fc.shuffledSubarray([...all, ...again], { minLength: all.length + again.length }));
}
