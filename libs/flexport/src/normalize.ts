import { CanonicalName, EnvelopeFormat, EventCategory, ExceptionKind, isMilestone, lookupEvent, Milestone } from './catalogue.js';
import { toCalendarDate, toInstant, toLocalCalendarDate, toOptionalInstant } from './dates.js';
import { Envelope, isPlainObject } from './envelope.js';
import { InvalidEventError } from './invalid-event.error.js';
import {
  ContainerDates,
  ContainerFacts,
  DocumentFacts,
  EventClassification,
  EventFacts,
  InvoiceFacts,
  Location,
  Money,
  NormalizedEvent,
  SubjectIds,
  TransitDates,
} from './normalized-event.js';

type Data = Record<string, unknown>;

const MAX_ID_LENGTH = 200;

export function detectFormat(envelope: Envelope): EnvelopeFormat {
  return envelope._object === '/event' || envelope.type.startsWith('/') ? 'v2' : 'compact';
}

function dataOf(envelope: Envelope): Data {
  return isPlainObject(envelope.data) ? envelope.data : {};
}

/** Runs on every webhook in the API: map lookups only (the type, else `data.resource._object`). */
export function classifyEnvelope(envelope: Envelope, eventId: string): EventClassification {
  const entry = lookupEvent(envelope.type, envelope.data);
  const format = entry?.format ?? detectFormat(envelope);
  if (!entry) return { eventId, type: envelope.type, format, category: EventCategory.Unknown, name: null };
  const name = entry.name ?? nameFromData(entry.category, dataOf(envelope));
  return { eventId, type: envelope.type, format, category: entry.category, name };
}

const TRANSIT_NAMES_BY_FIELD: ReadonlyArray<[string, CanonicalName]> = [
  ['actual_departure', 'actual_departure'],
  ['estimated_arrival', 'estimated_arrival'],
  ['estimated_departure', 'estimated_departure'],
];

function nameFromData(category: EventCategory, data: Data): CanonicalName | null {
  if (category === EventCategory.Milestone) return isMilestone(data.milestone) ? data.milestone : null;
  const present = TRANSIT_NAMES_BY_FIELD.find(([field]) => data[field] != null);
  return present ? present[1] : 'estimated_arrival';
}

/** `data.occurred_at` ?? envelope `occurred_at` ?? `created_at` ?? receipt time (README "Processing rules"). */
export function resolveOccurredAt(envelope: Envelope, receivedAt: string): string {
  const data = dataOf(envelope);
  if (data.occurred_at != null) return toInstant(data.occurred_at, 'data.occurred_at');
  if (envelope.occurred_at != null) return toInstant(envelope.occurred_at, 'occurred_at');
  if (envelope.created_at != null) return toInstant(envelope.created_at, 'created_at');
  return receivedAt;
}

/** Validates an event's data and maps it, from either envelope, onto the facts its domain module applies. */
export function normalizeEvent(envelope: Envelope, eventId: string, receivedAt: string): NormalizedEvent {
  const classification = classifyEnvelope(envelope, eventId);
  const occurredAt = resolveOccurredAt(envelope, receivedAt);
  const data = dataOf(envelope);
  const facts =
    classification.format === 'v2'
      ? v2Facts(classification, data, occurredAt)
      : compactFacts(classification.category, classification.name, data, occurredAt);
  return { ...classification, occurredAt, receivedAt, subject: subjectOf(facts), facts };
}

function subjectOf(facts: EventFacts): SubjectIds {
  const subject: SubjectIds = {};
  if ('shipmentId' in facts && facts.shipmentId) subject.shipmentId = facts.shipmentId;
  if ('bookingId' in facts) subject.bookingId = facts.bookingId;
  if ('purchaseOrderId' in facts) subject.purchaseOrderId = facts.purchaseOrderId;
  if ('invoiceId' in facts) subject.invoiceId = facts.invoiceId;
  if ('documentId' in facts) subject.documentId = facts.documentId;
  if ('containerNumbers' in facts && facts.containerNumbers.length > 0) subject.containerNumbers = facts.containerNumbers;
  return subject;
}

function compactFacts(category: EventCategory, name: CanonicalName | null, data: Data, occurredAt: string): EventFacts {
  switch (category) {
    case EventCategory.Milestone: {
      const milestone = data.milestone;
      if (!isMilestone(milestone)) {
        throw new InvalidEventError(`unknown milestone ${JSON.stringify(milestone)?.slice(0, 60)}`);
      }
      return {
        category,
        shipmentId: requiredId(data.shipment_id, 'data.shipment_id'),
        milestone,
        location: compactLocation(data.location),
        transit: impliedTransit(milestone, occurredAt),
        containerNumbers: [],
      };
    }
    case EventCategory.Transit: {
      const transit = definedOnly({
        estimatedDepartureAt: toOptionalInstant(data.estimated_departure, 'data.estimated_departure'),
        estimatedArrivalAt: toOptionalInstant(data.estimated_arrival, 'data.estimated_arrival'),
        actualDepartureAt: toOptionalInstant(data.actual_departure, 'data.actual_departure'),
        actualArrivalAt: toOptionalInstant(data.actual_arrival, 'data.actual_arrival'),
      });
      if (Object.keys(transit).length === 0) throw new InvalidEventError('transit event carries no date');
      return { category, shipmentId: requiredId(data.shipment_id, 'data.shipment_id'), transit };
    }
    case EventCategory.Booking:
      return {
        category,
        bookingId: requiredId(data.booking_id, 'data.booking_id'),
        shipmentId: optionalId(data.shipment_id, 'data.shipment_id'),
        status: name === 'booking_amended' ? 'amended' : 'confirmed',
        details: omit(data, ['booking_id', 'shipment_id', 'occurred_at']),
      };
    case EventCategory.PurchaseOrder: {
      if (data.line_items !== undefined && data.line_items !== null && !Array.isArray(data.line_items)) {
        throw new InvalidEventError('data.line_items is not an array');
      }
      return {
        category,
        purchaseOrderId: requiredId(data.purchase_order_id, 'data.purchase_order_id'),
        ...('number' in data ? { number: optionalId(data.number, 'data.number') } : {}),
        ...(Array.isArray(data.line_items) ? { lineItems: data.line_items } : {}),
        status: name === 'po_archived' ? 'archived' : 'open',
        details: omit(data, ['purchase_order_id', 'number', 'line_items', 'occurred_at']),
      };
    }
    case EventCategory.Invoice:
      return {
        category,
        invoiceId: requiredId(data.invoice_id, 'data.invoice_id'),
        shipmentId: optionalId(data.shipment_id, 'data.shipment_id'),
        kind: name === 'freight_invoice_ready' ? 'freight_invoice' : 'invoice',
        ...money(data),
        dueDate: data.due_date == null ? null : toCalendarDate(data.due_date, 'data.due_date'),
      };
    case EventCategory.Document:
      return {
        category,
        documentId: requiredId(data.document_id, 'data.document_id'),
        shipmentId: optionalId(data.shipment_id, 'data.shipment_id'),
        documentType:
          optionalText(data.document_type, 'data.document_type') ??
          (name === 'bill_of_lading_ready' ? 'bill_of_lading' : missing('data.document_type')),
        fileName: optionalText(data.file_name, 'data.file_name'),
        url: optionalText(data.url, 'data.url'),
      };
    case EventCategory.Container:
      return {
        category,
        containerNumbers: [containerNumber(requiredId(data.container_number, 'data.container_number'))],
        shipmentId: optionalId(data.shipment_id, 'data.shipment_id'),
        location: compactLocation(data.location),
        status: name === 'container_unloaded' ? 'unloaded' : 'loaded',
        dates: {},
      };
    default:
      return { category: EventCategory.Unknown };
  }
}

function v2Facts({ category, name, type }: EventClassification, data: Data, occurredAt: string): EventFacts {
  const resource = isPlainObject(data.resource) ? data.resource : {};
  switch (category) {
    case EventCategory.Unknown:
      return { category };
    case EventCategory.Invoice:
      return v2Invoice(resource, data);
    case EventCategory.Document:
      return v2Document(resource, data);
    case EventCategory.Container:
      return v2Container(name, resource, data, occurredAt);
  }
  const shipmentId = v2ShipmentId(data, resource);
  switch (category) {
    case EventCategory.Milestone: {
      const milestone = name as Milestone;
      return {
        category,
        shipmentId,
        milestone,
        location: v2Location(data.location),
        transit: { ...impliedTransit(milestone, occurredAt), ...legDates(resource) },
        containerNumbers: v2ContainerNumbers(resource, data.containers),
      };
    }
    case EventCategory.Transit: {
      if (name === 'cargo_ready_date_changed') return { category, shipmentId, transit: {}, cargoReadyDate: cargoReadyDate(resource, data) };
      const transit = legDates(resource);
      if (Object.keys(transit).length === 0) throw new InvalidEventError('shipment leg carries no date');
      return { category, shipmentId, transit };
    }
    case EventCategory.Exception:
      return { category, shipmentId, kind: name as ExceptionKind, reason: type.slice(type.indexOf('#') + 1) };
    case EventCategory.Booking:
      return {
        category,
        bookingId: resource._object === '/booking' ? requiredId(resource.id, 'data.resource.id') : shipmentId,
        shipmentId,
        status: 'confirmed',
        details: omit(resource, ['_object', 'id']),
      };
    default:
      throw new InvalidEventError(`no v2 mapping for category ${category}`);
  }
}

/** `data.shipment.id`, else the id of the resource when it is the shipment (exceptions and holds name it there). */
function v2ShipmentId(data: Data, resource: Data): string {
  const shipment = isPlainObject(data.shipment) ? data.shipment : {};
  const fromShipment = optionalId(shipment.id, 'data.shipment.id');
  if (fromShipment !== null) return fromShipment;
  if (resource._object === '/shipment') return requiredId(resource.id, 'data.resource.id');
  return missing('data.shipment.id');
}

function optionalShipmentId(data: Data): string | null {
  return isPlainObject(data.shipment) ? optionalId(data.shipment.id, 'data.shipment.id') : null;
}

/** The shipment resource's `cargo_ready_date` (the resource, else `data.shipment`): a calendar date. */
function cargoReadyDate(resource: Data, data: Data): string {
  const shipment = resource._object === '/shipment' && resource.cargo_ready_date != null ? resource : data.shipment;
  const value = isPlainObject(shipment) ? shipment.cargo_ready_date : undefined;
  if (value === undefined || value === null) throw new InvalidEventError('shipment carries no cargo_ready_date');
  return toLocalCalendarDate(value, 'cargo_ready_date');
}

/** An `/invoice` resource, whatever the verb: every field it carries; the shipment from `data.shipment` or its `shipments`. */
function v2Invoice(invoice: Data, data: Data): InvoiceFacts {
  const field = (key: string) => `data.resource.${key}`;
  return {
    category: EventCategory.Invoice,
    invoiceId: requiredId(invoice.id, field('id')),
    shipmentId: optionalShipmentId(data) ?? refId(invoice.shipments, field('shipments')),
    dueDate: invoice.due_date == null ? null : toCalendarDate(invoice.due_date, field('due_date')),
    ...carried(invoice, 'name', 'name', (v) => optionalText(v, field('name'))),
    ...carried(invoice, 'status', 'status', (v) => optionalText(v, field('status'))),
    ...carried(invoice, 'total', 'total', (v) => v2Money(v, field('total'))),
    ...carried(invoice, 'balance', 'balance', (v) => v2Money(v, field('balance'))),
    ...carried(invoice, 'issued_at', 'issuedAt', (v) => toOptionalInstant(v, field('issued_at')) ?? null),
    ...carried(invoice, 'voided_at', 'voidedAt', (v) => toOptionalInstant(v, field('voided_at')) ?? null),
    ...carried(invoice, 'items', 'items', (v) => optionalArray(v, field('items'))),
  };
}

/** A `/document` resource, whatever the verb: the shipment from its `shipment` reference, else `data.shipment`. */
function v2Document(document: Data, data: Data): DocumentFacts {
  const field = (key: string) => `data.resource.${key}`;
  const metadata = isPlainObject(document.file_metadata) ? document.file_metadata : {};
  return {
    category: EventCategory.Document,
    documentId: requiredId(document.id, field('id')),
    shipmentId: refId(document.shipment, field('shipment')) ?? optionalShipmentId(data),
    documentType: optionalText(document.document_type, field('document_type')),
    fileName: optionalText(document.file_name, field('file_name')),
    url: optionalText(document.file_link, field('file_link')),
    ...carried(document, 'memo', 'memo', (v) => optionalText(v, field('memo'))),
    ...carried(document, 'archived_at', 'archivedAt', (v) => toOptionalInstant(v, field('archived_at')) ?? null),
    ...carried(metadata, 'uploaded_at', 'uploadedAt', (v) => toOptionalInstant(v, field('file_metadata.uploaded_at')) ?? null),
  };
}

/** The container field each date event is about; it falls back to the event's occurredAt. */
const OWN_DATE: Partial<Record<CanonicalName, keyof ContainerDates>> = {
  container_available_for_pickup: 'availableForPickupAt',
  container_free_time_expiring: 'lastFreeDay',
  container_free_time_expired: 'lastFreeDay',
  container_empty_returned: 'emptyReturnedAt',
};

function v2Container(name: CanonicalName | null, resource: Data, data: Data, occurredAt: string): ContainerFacts {
  const containers = v2Containers(resource, data.containers);
  if (containers.size === 0) throw new InvalidEventError('data.containers names no container');
  const own = name ? OWN_DATE[name] : undefined;
  const dates: Record<string, ContainerDates> = {};
  if (own) {
    for (const [number, container] of containers) {
      const found = containerDates(container);
      dates[number] = { ...found, [own]: found[own] ?? (own === 'lastFreeDay' ? occurredAt.slice(0, 10) : occurredAt) };
    }
  }
  return {
    category: EventCategory.Container,
    containerNumbers: [...containers.keys()],
    shipmentId: optionalShipmentId(data),
    location: v2Location(data.location),
    status: name === 'container_loaded' ? 'loaded' : name === 'container_unloaded' ? 'unloaded' : null,
    dates,
  };
}

/** The dates an ocean container resource carries (`last_free_day_date`, `available_for_pickup_date`, `empty_returned_date`). */
function containerDates(container: Data): ContainerDates {
  const field = (key: string) => `container.${key}`;
  return definedOnly({
    lastFreeDay:
      container.last_free_day_date == null ? undefined : toLocalCalendarDate(container.last_free_day_date, field('last_free_day_date')),
    availableForPickupAt: toOptionalInstant(container.available_for_pickup_date, field('available_for_pickup_date')),
    emptyReturnedAt: toOptionalInstant(container.empty_returned_date, field('empty_returned_date')),
  });
}

/** A departed or arrived milestone is the actual departure or arrival, unless the event dates it itself. */
function impliedTransit(milestone: Milestone, occurredAt: string): TransitDates {
  if (milestone === 'departed') return { actualDepartureAt: occurredAt };
  if (milestone === 'arrived') return { actualArrivalAt: occurredAt };
  return {};
}

function legDates(resource: Data): TransitDates {
  const dates = isPlainObject(resource.dates) ? { ...resource, ...resource.dates } : resource;
  return definedOnly({
    estimatedDepartureAt: toOptionalInstant(dates.estimated_departure_date, 'data.resource.estimated_departure_date'),
    estimatedArrivalAt: toOptionalInstant(dates.estimated_arrival_date, 'data.resource.estimated_arrival_date'),
    actualDepartureAt: toOptionalInstant(dates.actual_departure_date, 'data.resource.actual_departure_date'),
    actualArrivalAt: toOptionalInstant(dates.actual_arrival_date, 'data.resource.actual_arrival_date'),
  });
}

function compactLocation(value: unknown): Location | null {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) throw new InvalidEventError('data.location is not an object');
  return location(optionalText(value.name, 'data.location.name'), optionalText(value.country, 'data.location.country'));
}

function v2Location(value: unknown): Location | null {
  if (!isPlainObject(value)) return null;
  const place = isPlainObject(value.place) ? value.place : {};
  const address = isPlainObject(place.address) ? place.address : {};
  return location(
    optionalText(place.name, 'data.location.place.name'),
    optionalText(address.country_code, 'data.location.place.address.country_code'),
  );
}

function location(name: string | null, country: string | null): Location | null {
  if (name === null && country === null) return null;
  return { name, country: country === null ? null : country.toUpperCase() };
}

function v2ContainerNumbers(resource: Data, containers: unknown): string[] {
  return [...v2Containers(resource, containers).keys()];
}

/**
 * The containers an event names, by number: an ocean container resource names itself alone (its copy in
 * `data.containers`, if any, fills in the fields it lacks); any other resource, those of `data.containers`.
 */
function v2Containers(resource: Data, list: unknown): Map<string, Data> {
  const listed = new Map<string, Data>();
  if (Array.isArray(list)) {
    for (const container of list.filter(isPlainObject)) {
      const number = optionalId(container.container_number, 'data.containers[].container_number');
      if (number !== null) listed.set(containerNumber(number), { ...listed.get(containerNumber(number)), ...container });
    }
  }
  if (resource._object !== '/ocean/shipment_container') return listed;
  const own = optionalId(resource.container_number, 'data.resource.container_number');
  if (own === null) return listed;
  const number = containerNumber(own);
  return new Map([[number, { ...listed.get(number), ...resource }]]);
}

/** ISO 6346 container numbers are upper case; senders are not always careful. */
function containerNumber(value: string): string {
  return value.toUpperCase();
}

function money(data: Data, field = 'amount'): { amount: string; currency: string } {
  const raw = isPlainObject(data.amount) ? data.amount : { amount: data.amount, currency_code: data.currency };
  const amount = raw.amount;
  if (typeof amount !== 'string' || !/^-?\d{1,15}(\.\d{1,6})?$/.test(amount.trim())) {
    throw new InvalidEventError(`${field} is not a decimal string: ${JSON.stringify(amount)?.slice(0, 40)}`);
  }
  const currency = raw.currency_code ?? data.currency;
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new InvalidEventError(`currency is not an ISO-4217 code: ${JSON.stringify(currency)?.slice(0, 20)}`);
  }
  return { amount: amount.trim(), currency: currency.toUpperCase() };
}

/** Sent as an exact decimal string with its currency (`{amount, currency_code}`), or null. */
function v2Money(value: unknown, field: string): Money | null {
  if (value === null) return null;
  if (!isPlainObject(value)) throw new InvalidEventError(`${field} is not money`);
  const { amount, currency } = money({ amount: value }, `${field}.amount`);
  return { amount, currency };
}

/** A reference (`{id}`) or a list of references (its first), as an id; null when it names none. */
function refId(value: unknown, field: string): string | null {
  const ref = Array.isArray(value) ? value[0] : value;
  return isPlainObject(ref) ? optionalId(ref.id, `${field}.id`) : null;
}

/** `{[property]: read(value)}` when `source` has the key (even as null), else nothing: the event does not mention it. */
function carried<K extends string, T>(source: Data, key: string, property: K, read: (value: unknown) => T): { [P in K]?: T } {
  return Object.hasOwn(source, key) ? ({ [property]: read(source[key]) } as { [P in K]?: T }) : {};
}

function optionalArray(value: unknown, field: string): unknown[] | null {
  if (value === null) return null;
  if (!Array.isArray(value)) throw new InvalidEventError(`${field} is not an array`);
  return value;
}

function requiredId(value: unknown, field: string): string {
  return optionalId(value, field) ?? missing(field);
}

function optionalId(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH) return value.trim();
  throw new InvalidEventError(`${field} is not a valid identifier`);
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  throw new InvalidEventError(`${field} is not a string`);
}

function missing(field: string): never {
  throw new InvalidEventError(`${field} is missing`);
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function omit(data: Data, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !keys.includes(key)));
}
