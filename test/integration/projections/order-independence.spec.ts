import fc from 'fast-check';
import { applyBookingEvent, BookingsHandler, BookingState } from '@app/bookings';
import { applyContainerEvent, ContainersHandler, ContainerState } from '@app/containers';
import { applyDocumentEvent, DocumentsHandler, DocumentState } from '@app/documents';
import {
  BookingFacts,
  ContainerFacts,
  DocumentFacts,
  EventCategory,
  InvoiceFacts,
  NormalizedEvent,
  PurchaseOrderFacts,
} from '@app/flexport';
import { applyInvoiceEvent, InvoicesHandler, InvoiceState } from '@app/invoices';
import { applyShipmentEvent, emptyShipmentState, MilestonesHandler, ShipmentState } from '@app/milestones';
import { EventHandler } from '@app/processing';
import { versionOf } from '@app/versions';
import { applyPurchaseOrderEvent, PurchaseOrdersHandler, PurchaseOrderState } from '@app/purchase-orders';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import {
  arrivals,
  bookingEvents,
  containerEvents,
  documentEvents,
  invoiceEvents,
  purchaseOrderEvents,
  shipmentEvents,
} from './arbitraries.js';
import { applyInParallelBatches, applyInTurn, inVersionOrder, tableState, truncate } from './events.js';

interface Projection {
  name: string;
  /** Each table the handler writes, with the key that orders its rows. */
  tables: [table: string, key: string][];
  events: fc.Arbitrary<NormalizedEvent[]>;
  handler: EventHandler;
  /** The state rules alone, no I/O: every row the events define. */
  fold(events: readonly NormalizedEvent[]): Map<string, unknown>;
}

function foldBy<S, F>(keysOf: (facts: F) => string[], apply: (current: S | null, key: string, facts: F, event: NormalizedEvent) => S) {
  return (events: readonly NormalizedEvent[]) => {
    const rows = new Map<string, S>();
    for (const event of events) {
      const facts = event.facts as F;
      for (const key of keysOf(facts)) rows.set(key, apply(rows.get(key) ?? null, key, facts, event));
    }
    return rows;
  };
}

const PROJECTIONS: Projection[] = [
  {
    name: 'bookings',
    tables: [['bookings', 'id']],
    events: bookingEvents,
    handler: new BookingsHandler(),
    fold: foldBy<BookingState, BookingFacts>(
      (f) => [f.bookingId],
      (s, _k, f, e) => applyBookingEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'purchase orders',
    tables: [['purchase_orders', 'id']],
    events: purchaseOrderEvents,
    handler: new PurchaseOrdersHandler(),
    fold: foldBy<PurchaseOrderState, PurchaseOrderFacts>(
      (f) => [f.purchaseOrderId],
      (s, _k, f, e) => applyPurchaseOrderEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'invoices',
    tables: [['invoices', 'id']],
    events: invoiceEvents,
    handler: new InvoicesHandler(),
    fold: foldBy<InvoiceState, InvoiceFacts>(
      (f) => [f.invoiceId],
      (s, _k, f, e) => applyInvoiceEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'documents',
    tables: [['documents', 'id']],
    events: documentEvents,
    handler: new DocumentsHandler(),
    fold: foldBy<DocumentState, DocumentFacts>(
      (f) => [f.documentId],
      (s, _k, f, e) => applyDocumentEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'containers',
    tables: [['containers', 'container_number']],
    events: containerEvents,
    handler: new ContainersHandler(),
    fold: foldBy<ContainerState, ContainerFacts>(
      (f) => f.containerNumbers,
      (s, k, f, e) => applyContainerEvent(s, k, f, versionOf(e)),
    ),
  },
  {
    name: 'shipments, their milestones and exceptions',
    tables: [
      ['shipments', 'id'],
      ['shipment_milestones', 'shipment_id, event_id'],
      ['shipment_exceptions', 'shipment_id, event_id'],
    ],
    events: shipmentEvents,
    handler: new MilestonesHandler(),
    fold: (events) => {
      const rows = new Map<string, { state: ShipmentState; histories: Set<string> }>();
      for (const event of events) {
        const { facts } = event;
        if (!('shipmentId' in facts) || facts.shipmentId === null) continue;
        const row = rows.get(facts.shipmentId) ?? { state: emptyShipmentState(), histories: new Set<string>() };
        row.state = applyShipmentEvent(row.state, event);
        if (facts.category === EventCategory.Milestone || facts.category === EventCategory.Exception) row.histories.add(event.eventId);
        rows.set(facts.shipmentId, row);
      }
      return rows;
    },
  },
];

/** Every table of the projection, in key order, without write times. */
async function state(db: TestDatabase, projection: Projection) {
  return Promise.all(projection.tables.map(([table, key]) => tableState(db.dataSource, table, key)));
}

async function truncateAll(db: TestDatabase, projection: Projection) {
  for (const [table] of projection.tables) await truncate(db.dataSource, table);
}

describe.each(PROJECTIONS)('$name: state is a function of the set of events', (projection) => {
  it('by the state rules alone, any arrival order with duplicates gives the in-order state', () => {
    fc.assert(
      fc.property(
        projection.events.chain((events) => fc.tuple(fc.constant(events), arrivals(events))),
        ([events, arrival]) => {
          expect(projection.fold(arrival)).toEqual(projection.fold(inVersionOrder(events)));
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('in Postgres', () => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('any arrival order with duplicates gives the table the in-order state', async () => {
      await fc.assert(
        fc.asyncProperty(
          projection.events.chain((events) => fc.tuple(fc.constant(events), arrivals(events))),
          async ([events, arrival]) => {
            await truncateAll(db, projection);
            await applyInTurn(db.dataSource, projection.handler, inVersionOrder(events));
            const expected = await state(db, projection);
            expect(expected[0]).toHaveLength(projection.fold(events).size);
            await truncateAll(db, projection);
            await applyInTurn(db.dataSource, projection.handler, arrival);
            expect(await state(db, projection)).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    });

    it('any arrival order with duplicates, applied in parallel batch transactions, gives the table the in-order state', async () => {
      await fc.assert(
        fc.asyncProperty(
          projection.events.chain((events) => fc.tuple(fc.constant(events), arrivals(events), fc.integer({ min: 1, max: 4 }))),
          async ([events, arrival, batchSize]) => {
            await truncateAll(db, projection);
            await applyInTurn(db.dataSource, projection.handler, inVersionOrder(events));
            const expected = await state(db, projection);
            await truncateAll(db, projection);
            await applyInParallelBatches(db.dataSource, projection.handler, arrival, { batchSize, parallel: 4 });
            expect(await state(db, projection)).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
});
