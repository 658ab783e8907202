import {
  deriveEventId,
  EventCategory,
  EventFacts,
  eventShipmentId,
  InvalidEventError,
  Location,
  Milestone,
  normalizeEvent,
  parseEnvelope,
  resolveOccurredAt,
  TRANSIT_FIELDS,
  TransitField,
} from '@app/flexport';
import { EventVersion, supersedes } from '@app/versions';
import {
  ExpectedBooking,
  ExpectedContainer,
  ExpectedDocument,
  ExpectedException,
  ExpectedInvoice,
  ExpectedMilestone,
  ExpectedMoney,
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
  customsStatus: Field<'held' | 'released'>;
  cargoReadyDate: Field<string>;
  /** Each exception event once. */
  exceptions: Map<string, ExpectedException>;
}

/** One Field per group of fields an event sets together. */
type Fields<T> = { [K in keyof T]: Field<T[K]> };
type InvoiceFields = Fields<Omit<ExpectedInvoice, 'id' | 'amount' | 'currency'> & { money: { amount: string; currency: string } }>;
type DocumentFields = Fields<Omit<ExpectedDocument, 'id'>>;
type ContainerFields = Fields<Omit<ExpectedContainer, 'containerNumber'>>;

interface Projections {
  shipments: Map<string, ShipmentFields>;
  bookings: Map<string, { status: Field<ExpectedBooking['status']>; shipmentId: Field<string> }>;
  purchaseOrders: Map<string, { status: Field<ExpectedPurchaseOrder['status']>; number: Field<string | null> }>;
  invoices: Map<string, InvoiceFields>;
  documents: Map<string, DocumentFields>;
  containers: Map<string, ContainerFields>;
  /** Every event that names a shipment (eventShipmentId), by shipment: its timeline. */
  timelines: Map<string, { eventId: string; occurredAt: string | null }[]>;
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
  customsStatus: new Field(),
  cargoReadyDate: new Field(),
  exceptions: new Map(),
});

function fields<T extends object>(names: readonly (keyof T)[]): T {
  return Object.fromEntries(names.map((name) => [name, new Field()])) as T;
}
const newInvoice = () =>
  fields<InvoiceFields>(['shipmentId', 'kind', 'money', 'dueDate', 'name', 'status', 'total', 'balance', 'issuedAt', 'voidedAt', 'items']);
const newDocument = () => fields<DocumentFields>(['shipmentId', 'documentType', 'fileName', 'url', 'memo', 'archivedAt', 'uploadedAt']);
const newContainer = () => fields<ContainerFields>(['shipmentId', 'status', 'lastFreeDay', 'availableForPickupAt', 'emptyReturnedAt']);

/** Offers `value` unless it is undefined: the event does not mention the field. */
function offer<T>(field: Field<T>, version: EventVersion, value: T | undefined): void {
  if (value !== undefined) field.offer(version, value);
}

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
    timelines: new Map(),
  };
  const seen = new Set<string>();
  const invalid: FoldResult['invalid'] = [];
  for (const body of bodies) {
    const parsed = parseEnvelope(body);
    if (!parsed.ok) continue;
    const eventId = deriveEventId(parsed.envelope, body);
    if (seen.has(eventId)) continue;
    seen.add(eventId);
    const named = eventShipmentId(parsed.envelope);
    if (named !== null) entry(projections.timelines, named, () => []).push({ eventId, occurredAt: occurredAtOf(parsed.envelope) });
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
      if (facts.milestone === 'customs_cleared') shipment.customsStatus.offer(version, 'released');
      return;
    }
    case EventCategory.Transit: {
      const shipment = entry(p.shipments, facts.shipmentId, newShipment);
      offerTransit(shipment, facts.transit, version);
      offer(shipment.cargoReadyDate, version, facts.cargoReadyDate);
      return;
    }
    case EventCategory.Exception: {
      const shipment = entry(p.shipments, facts.shipmentId, newShipment);
      shipment.exceptions.set(version.eventId, {
        kind: facts.kind,
        reason: facts.reason,
        occurredAt: version.occurredAt,
        eventId: version.eventId,
      });
      if (facts.kind === 'customs_hold') shipment.customsStatus.offer(version, 'held');
      return;
    }
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
      const invoice = entry(p.invoices, facts.invoiceId, newInvoice);
      offer(invoice.shipmentId, version, facts.shipmentId ?? undefined);
      offer(invoice.kind, version, facts.kind);
      if (facts.amount !== undefined && facts.currency !== undefined)
        invoice.money.offer(version, { amount: facts.amount, currency: facts.currency });
      offer(invoice.dueDate, version, facts.dueDate ?? undefined);
      offer(invoice.name, version, facts.name);
      offer(invoice.status, version, facts.status);
      offer(invoice.total, version, facts.total);
      offer(invoice.balance, version, facts.balance);
      offer(invoice.issuedAt, version, facts.issuedAt);
      offer(invoice.voidedAt, version, facts.voidedAt);
      offer(invoice.items, version, facts.items);
      return;
    }
    case EventCategory.Document: {
      const document = entry(p.documents, facts.documentId, newDocument);
      offer(document.shipmentId, version, facts.shipmentId ?? undefined);
      offer(document.documentType, version, facts.documentType ?? undefined);
      offer(document.fileName, version, facts.fileName ?? undefined);
      offer(document.url, version, facts.url ?? undefined);
      offer(document.memo, version, facts.memo);
      offer(document.archivedAt, version, facts.archivedAt);
      offer(document.uploadedAt, version, facts.uploadedAt);
      return;
    }
    case EventCategory.Container:
      for (const number of facts.containerNumbers) {
        const container = entry(p.containers, number, newContainer);
        const dates = Object.hasOwn(facts.dates, number) ? facts.dates[number] : {};
        offer(container.status, version, facts.status ?? undefined);
        offer(container.shipmentId, version, facts.shipmentId ?? undefined);
        offer(container.lastFreeDay, version, dates.lastFreeDay);
        offer(container.availableForPickupAt, version, dates.availableForPickupAt);
        offer(container.emptyReturnedAt, version, dates.emptyReturnedAt);
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

/** Null when the event's date cannot be read (it would be dead-lettered): such events come last. */
function occurredAtOf(envelope: Parameters<typeof resolveOccurredAt>[0]): string | null {
  try {
    return resolveOccurredAt(envelope, new Date(0).toISOString());
  } catch {
    return null;
  }
}

const value = <T>(field: Field<T>): T | null => (field.value === undefined ? null : field.value);
const money = (field: Field<ExpectedMoney | null>) => value(field);

function timelineOf(events: { eventId: string; occurredAt: string | null }[] = []): string[] {
  const at = (time: string | null) => (time === null ? Infinity : Date.parse(time));
  return [...events]
    .sort((a, b) => at(a.occurredAt) - at(b.occurredAt) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
    .map((event) => event.eventId);
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
    cargoReadyDate: value(s.cargoReadyDate),
    customsStatus: value(s.customsStatus),
    exceptions: [...s.exceptions.values()],
    timeline: timelineOf(p.timelines.get(id)),
  }));
  return sortWorld({
    shipments,
    bookings: [...p.bookings].map(([id, b]) => ({ id, shipmentId: b.shipmentId.value ?? null, status: b.status.value! })),
    purchaseOrders: [...p.purchaseOrders].map(([id, o]) => ({ id, number: o.number.value ?? null, status: o.status.value! })),
    invoices: [...p.invoices].map(([id, i]) => ({
      id,
      shipmentId: value(i.shipmentId),
      kind: value(i.kind),
      amount: i.money.value?.amount ?? null,
      currency: i.money.value?.currency ?? null,
      dueDate: value(i.dueDate),
      name: value(i.name),
      status: value(i.status),
      total: money(i.total),
      balance: money(i.balance),
      issuedAt: value(i.issuedAt),
      voidedAt: value(i.voidedAt),
      items: value(i.items),
    })),
    documents: [...p.documents].map(([id, d]) => ({
      id,
      shipmentId: value(d.shipmentId),
      documentType: value(d.documentType),
      fileName: value(d.fileName),
      url: value(d.url),
      memo: value(d.memo),
      archivedAt: value(d.archivedAt),
      uploadedAt: value(d.uploadedAt),
    })),
    containers: [...p.containers].map(([containerNumber, c]) => ({
      containerNumber,
      shipmentId: value(c.shipmentId),
      status: value(c.status),
      lastFreeDay: value(c.lastFreeDay),
      availableForPickupAt: value(c.availableForPickupAt),
      emptyReturnedAt: value(c.emptyReturnedAt),
    })),
  });
}
