import { CanonicalName, EnvelopeFormat, EventCategory, isMilestone, lookupType, Milestone } from './catalogue.js';
import { toCalendarDate, toInstant, toOptionalInstant } from './dates.js';
import { Envelope, isPlainObject } from './envelope.js';
import { InvalidEventError } from './invalid-event.error.js';
import { EventClassification, EventFacts, Location, NormalizedEvent, SubjectIds, TransitDates } from './normalized-event.js';

type Data = Record<string, unknown>;

const MAX_ID_LENGTH = 200;

export function detectFormat(envelope: Envelope): EnvelopeFormat {
  return envelope._object === '/event' || envelope.type.startsWith('/') ? 'v2' : 'compact';
}

function dataOf(envelope: Envelope): Data {
  return isPlainObject(envelope.data) ? envelope.data : {};
}

export function classifyEnvelope(envelope: Envelope, eventId: string): EventClassification {
  const entry = lookupType(envelope.type);
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
      ? v2Facts(classification.category, classification.name, data, occurredAt)
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
      };
    default:
      return { category: EventCategory.Unknown };
  }
}

function v2Facts(category: EventCategory, name: CanonicalName | null, data: Data, occurredAt: string): EventFacts {
  if (category === EventCategory.Unknown) return { category };
  const shipment = isPlainObject(data.shipment) ? data.shipment : {};
  const resource = isPlainObject(data.resource) ? data.resource : {};
  const shipmentId = requiredId(shipment.id, 'data.shipment.id');
  const location = v2Location(data.location);
  const containerNumbers = v2ContainerNumbers(data.containers);
  switch (category) {
    case EventCategory.Milestone: {
      const milestone = name as Milestone;
      return {
        category,
        shipmentId,
        milestone,
        location,
        transit: { ...impliedTransit(milestone, occurredAt), ...legDates(resource) },
        containerNumbers,
      };
    }
    case EventCategory.Transit: {
      const transit = legDates(resource);
      if (Object.keys(transit).length === 0) throw new InvalidEventError('shipment leg carries no date');
      return { category, shipmentId, transit };
    }
    case EventCategory.Booking:
      return {
        category,
        bookingId: resource._object === '/booking' ? requiredId(resource.id, 'data.resource.id') : shipmentId,
        shipmentId,
        status: 'confirmed',
        details: omit(resource, ['_object', 'id']),
      };
    case EventCategory.Container:
      if (containerNumbers.length === 0) throw new InvalidEventError('data.containers names no container');
      return {
        category,
        containerNumbers,
        shipmentId,
        location,
        status: name === 'container_unloaded' ? 'unloaded' : 'loaded',
      };
    default:
      throw new InvalidEventError(`no v2 mapping for category ${category}`);
  }
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

function v2ContainerNumbers(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isPlainObject)
    .map((container) => optionalId(container.container_number, 'data.containers[].container_number'))
    .filter((number): number is string => number !== null)
    .map(containerNumber);
}

/** ISO 6346 container numbers are upper case; senders are not always careful. */
function containerNumber(value: string): string {
  return value.toUpperCase();
}

function money(data: Data): { amount: string; currency: string } {
  const raw = isPlainObject(data.amount) ? data.amount : { amount: data.amount, currency_code: data.currency };
  const amount = raw.amount;
  if (typeof amount !== 'string' || !/^-?\d{1,15}(\.\d{1,6})?$/.test(amount.trim())) {
    throw new InvalidEventError(`amount is not a decimal string: ${JSON.stringify(amount)?.slice(0, 40)}`);
  }
  const currency = raw.currency_code ?? data.currency;
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new InvalidEventError(`currency is not an ISO-4217 code: ${JSON.stringify(currency)?.slice(0, 20)}`);
  }
  return { amount: amount.trim(), currency: currency.toUpperCase() };
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
