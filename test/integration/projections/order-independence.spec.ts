import fc from 'fast-check';
import { applyBookingEvent, BookingsHandler, BookingState } from '@app/bookings';
import { applyContainerEvent, ContainersHandler, ContainerState } from '@app/containers';
import { applyDocumentEvent, DocumentsHandler, DocumentState } from '@app/documents';
import { BookingFacts, ContainerFacts, DocumentFacts, InvoiceFacts, NormalizedEvent, PurchaseOrderFacts } from '@app/flexport';
import { applyInvoiceEvent, InvoicesHandler, InvoiceState } from '@app/invoices';
import { EventHandler } from '@app/processing';
import { versionOf } from '@app/versions';
import { applyPurchaseOrderEvent, PurchaseOrdersHandler, PurchaseOrderState } from '@app/purchase-orders';
import { createTestDatabase, TestDatabase } from '../../support/database.js';
import { arrivals, bookingEvents, containerEvents, documentEvents, invoiceEvents, purchaseOrderEvents } from './arbitraries.js';
import { applyInParallelBatches, applyInTurn, inVersionOrder, tableState, truncate } from './events.js';

interface Projection {
  name: string;
  table: string;
  key: string;
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
    table: 'bookings',
    key: 'id',
    events: bookingEvents,
    handler: new BookingsHandler(),
    fold: foldBy<BookingState, BookingFacts>(
      (f) => [f.bookingId],
      (s, _k, f, e) => applyBookingEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'purchase orders',
    table: 'purchase_orders',
    key: 'id',
    events: purchaseOrderEvents,
    handler: new PurchaseOrdersHandler(),
    fold: foldBy<PurchaseOrderState, PurchaseOrderFacts>(
      (f) => [f.purchaseOrderId],
      (s, _k, f, e) => applyPurchaseOrderEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'invoices',
    table: 'invoices',
    key: 'id',
    events: invoiceEvents,
    handler: new InvoicesHandler(),
    fold: foldBy<InvoiceState, InvoiceFacts>(
      (f) => [f.invoiceId],
      (s, _k, f, e) => applyInvoiceEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'documents',
    table: 'documents',
    key: 'id',
    events: documentEvents,
    handler: new DocumentsHandler(),
    fold: foldBy<DocumentState, DocumentFacts>(
      (f) => [f.documentId],
      (s, _k, f, e) => applyDocumentEvent(s, f, versionOf(e)),
    ),
  },
  {
    name: 'containers',
    table: 'containers',
    key: 'container_number',
    events: containerEvents,
    handler: new ContainersHandler(),
    fold: foldBy<ContainerState, ContainerFacts>(
      (f) => f.containerNumbers,
      (s, k, f, e) => applyContainerEvent(s, k, f, versionOf(e)),
    ),
  },
];

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
            await truncate(db.dataSource, projection.table);
            await applyInTurn(db.dataSource, projection.handler, inVersionOrder(events));
            const expected = await tableState(db.dataSource, projection.table, projection.key);
            expect(expected).toHaveLength(projection.fold(events).size);
            await truncate(db.dataSource, projection.table);
            await applyInTurn(db.dataSource, projection.handler, arrival);
            expect(await tableState(db.dataSource, projection.table, projection.key)).toEqual(expected);
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
            await truncate(db.dataSource, projection.table);
            await applyInTurn(db.dataSource, projection.handler, inVersionOrder(events));
            const expected = await tableState(db.dataSource, projection.table, projection.key);
            await truncate(db.dataSource, projection.table);
            await applyInParallelBatches(db.dataSource, projection.handler, arrival, { batchSize, parallel: 4 });
            expect(await tableState(db.dataSource, projection.table, projection.key)).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
});
