import {
  deriveEventId,
  EventCategory,
  EventFacts,
  InvalidEventError,
  Location,
  Milestone,
  normalizeEvent,
  parseEnvelope,
  TRANSIT_FIELDS,
  TransitField,
} from '@app/flexport';
import { EventVersion, supersedes } from '@app/versions';
import {
  ExpectedBooking,
  ExpectedContainer,
  ExpectedDocument,
  ExpectedInvoice,
  ExpectedMilestone,
  ExpectedPurchaseOrder,
  ExpectedShipment,
  ExpectedWorld,
  sortWorld,
} from './expected-world.js';

/** A value and the version of the event that set it; a greater version replaces it (README "Processing rules"). */
class Field<T> {
  private version: EventVersion | undefined;
  value: T | undefined;

  offer(version: EventVersion, value: T): void {
    if (supersedes(version, this.version)) {
      this.version = version;
      this.value = value;
    }
  }
}

interface ShipmentFields {
  status: Field<{ milestone: Milestone; occurredAt: string }>;
  location: Field<Location>;
  transit: Record<TransitField, Field<string>>;
  milestones: Map<Milestone, Field<ExpectedMilestone>>;
}

interface Projections {
  shipments: Map<string, ShipmentFields>;
  bookings: Map<string, { status: Field<ExpectedBooking['status']>; shipmentId: Field<string> }>;
  purchaseOrders: Map<string, { status: Field<ExpectedPurchaseOrder['status']>; number: Field<string | null> }>;
  invoices: Map<string, { record: Field<Omit<ExpectedInvoice, 'id' | 'shipmentId'>>; shipmentId: Field<string> }>;
  documents: Map<string, { record: Field<Omit<ExpectedDocument, 'id' | 'shipmentId'>>; shipmentId: Field<string> }>;
  containers: Map<string, { status: Field<ExpectedContainer['status']>; shipmentId: Field<string> }>;
}

export interface FoldResult {
  world: ExpectedWorld;
  /** Distinct events folded in. */
  events: number;
  /** Events the service would dead-letter at once: they change nothing. */
  invalid: { eventId: string; reason: string }[];
}

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

const newShipment = (): ShipmentFields => ({
  status: new Field(),
  location: new Field(),
  transit: Object.fromEntries(TRANSIT_FIELDS.map((field) => [field, new Field<string>()])) as ShipmentFields['transit'],
  milestones: new Map(),
});

/**
 * The state README "Processing rules" demands of a set of webhook bodies: each is parsed and normalised as the
 * service does, duplicates (same event id) count once, and every field keeps the value of the
 * greatest (occurredAt, catalogue rank, eventId). Delivery order and repetition cannot change it.
 */
export function expectedStateFrom(bodies: Iterable<Buffer>): FoldResult {
  const projections: Projections = {
    shipments: new Map(),
    bookings: new Map(),
    purchaseOrders: new Map(),
    invoices: new Map(),
    documents: new Map(),
    containers: new Map(),
  };
  const seen = new Set<string>();
  const invalid: FoldResult['invalid'] = [];
  for (const body of bodies) {
    const parsed = parseEnvelope(body);
    if (!parsed.ok) continue;
    const eventId = deriveEventId(parsed.envelope, body);
    if (seen.has(eventId)) continue;
    seen.add(eventId);
    try {
      const event = normalizeEvent(parsed.envelope, eventId, new Date(0).toISOString());
      apply(projections, event.facts, { occurredAt: event.occurredAt, name: event.name, eventId });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      invalid.push({ eventId, reason: error.message });
    }
  }
  return { world: project(projections), events: seen.size, invalid };
}

function apply(p: Projections, facts: EventFacts, version: EventVersion): void {
  switch (facts.category) {
    case EventCategory.Milestone: {
      const shipment = entry(p.shipments, facts.shipmentId, newShipment);
      shipment.status.offer(version, { milestone: facts.milestone, occurredAt: version.occurredAt });
      if (facts.location) shipment.location.offer(version, facts.location);
      entry(shipment.milestones, facts.milestone, () => new Field()).offer(version, {
        milestone: facts.milestone,
        occurredAt: version.occurredAt,
        location: facts.location,
        eventId: version.eventId,
      });
      offerTransit(shipment, facts.transit, version);
      return;
    }
    case EventCategory.Transit:
      offerTransit(entry(p.shipments, facts.shipmentId, newShipment), facts.transit, version);
      return;
    case EventCategory.Booking: {
      const booking = entry(p.bookings, facts.bookingId, () => ({ status: new Field(), shipmentId: new Field() }));
      booking.status.offer(version, facts.status);
      if (facts.shipmentId !== null) booking.shipmentId.offer(version, facts.shipmentId);
      return;
    }
    case EventCategory.PurchaseOrder: {
      const order = entry(p.purchaseOrders, facts.purchaseOrderId, () => ({ status: new Field(), number: new Field() }));
      order.status.offer(version, facts.status);
      if (facts.number !== undefined) order.number.offer(version, facts.number);
      return;
    }
    case EventCategory.Invoice: {
      const invoice = entry(p.invoices, facts.invoiceId, () => ({ record: new Field(), shipmentId: new Field() }));
      invoice.record.offer(version, { kind: facts.kind, amount: facts.amount, currency: facts.currency, dueDate: facts.dueDate });
      if (facts.shipmentId !== null) invoice.shipmentId.offer(version, facts.shipmentId);
      return;
    }
    case EventCategory.Document: {
      const document = entry(p.documents, facts.documentId, () => ({ record: new Field(), shipmentId: new Field() }));
      document.record.offer(version, { documentType: facts.documentType, fileName: facts.fileName, url: facts.url });
      if (facts.shipmentId !== null) document.shipmentId.offer(version, facts.shipmentId);
      return;
    }
    case EventCategory.Container:
      for (const number of facts.containerNumbers) {
        const container = entry(p.containers, number, () => ({ status: new Field(), shipmentId: new Field() }));
        container.status.offer(version, facts.status);
        if (facts.shipmentId !== null) container.shipmentId.offer(version, facts.shipmentId);
      }
      return;
    case EventCategory.Unknown:
      return;
  }
}

function offerTransit(shipment: ShipmentFields, transit: Partial<Record<TransitField, string>>, version: EventVersion): void {
  for (const field of TRANSIT_FIELDS) {
    const value = transit[field];
    if (value !== undefined) shipment.transit[field].offer(version, value);
  }
}

function project(p: Projections): ExpectedWorld {
  const shipments = [...p.shipments].map(([id, s]): ExpectedShipment => ({
    id,
    status: s.status.value?.milestone ?? null,
    statusAt: s.status.value?.occurredAt ?? null,
    location: s.location.value ?? null,
    estimatedDepartureAt: s.transit.estimatedDepartureAt.value ?? null,
    estimatedArrivalAt: s.transit.estimatedArrivalAt.value ?? null,
    actualDepartureAt: s.transit.actualDepartureAt.value ?? null,
    actualArrivalAt: s.transit.actualArrivalAt.value ?? null,
    milestones: [...s.milestones.values()].map((field) => field.value!),
  }));
  return sortWorld({
    shipments,
    bookings: [...p.bookings].map(([id, b]) => ({ id, shipmentId: b.shipmentId.value ?? null, status: b.status.value! })),
    purchaseOrders: [...p.purchaseOrders].map(([id, o]) => ({ id, number: o.number.value ?? null, status: o.status.value! })),
    invoices: [...p.invoices].map(([id, i]) => ({ id, shipmentId: i.shipmentId.value ?? null, ...i.record.value! })),
    documents: [...p.documents].map(([id, d]) => ({ id, shipmentId: d.shipmentId.value ?? null, ...d.record.value! })),
    containers: [...p.containers].map(([containerNumber, c]) => ({
      containerNumber,
      shipmentId: c.shipmentId.value ?? null,
      status: c.status.value!,
    })),
  });
}
