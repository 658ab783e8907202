import { CanonicalName, EnvelopeFormat, EventCategory, ExceptionKind, Milestone } from './catalogue.js';

export interface Location {
  name: string | null;
  country: string | null;
}

export interface TransitDates {
  estimatedDepartureAt?: string;
  estimatedArrivalAt?: string;
  actualDepartureAt?: string;
  actualArrivalAt?: string;
}

export const TRANSIT_FIELDS = ['estimatedDepartureAt', 'estimatedArrivalAt', 'actualDepartureAt', 'actualArrivalAt'] as const;
export type TransitField = (typeof TRANSIT_FIELDS)[number];

export interface MilestoneFacts {
  category: EventCategory.Milestone;
  shipmentId: string;
  milestone: Milestone;
  location: Location | null;
  transit: TransitDates;
  containerNumbers: string[];
}

export interface TransitFacts {
  category: EventCategory.Transit;
  shipmentId: string;
  transit: TransitDates;
  /** `YYYY-MM-DD`, from the cargo-ready-date types only. */
  cargoReadyDate?: string;
}

/** A delay or a customs hold reported on a shipment; the reason is the verb of its v2 type. */
export interface ExceptionFacts {
  category: EventCategory.Exception;
  shipmentId: string;
  kind: ExceptionKind;
  reason: string;
}

/** Money as Flexport sends it: an exact decimal string and an ISO-4217 code. */
export interface Money {
  amount: string;
  currency: string;
}

export interface BookingFacts {
  category: EventCategory.Booking;
  bookingId: string;
  shipmentId: string | null;
  status: 'confirmed' | 'amended';
  details: Record<string, unknown>;
}

export interface PurchaseOrderFacts {
  category: EventCategory.PurchaseOrder;
  purchaseOrderId: string;
  /** Undefined when the event does not mention the field, so it leaves the stored value alone. */
  number?: string | null;
  lineItems?: unknown[];
  status: 'open' | 'archived';
  details: Record<string, unknown>;
}

/**
 * Compact invoice events carry `kind`, `amount` and `currency`; v2 events (the `/invoice` resource)
 * carry the others. A field that is undefined is not mentioned by the event and keeps its stored value;
 * a null shipment id or due date means the same. A v2 field sent as null is stored as null.
 */
export interface InvoiceFacts {
  category: EventCategory.Invoice;
  invoiceId: string;
  shipmentId: string | null;
  kind?: 'invoice' | 'freight_invoice';
  amount?: string;
  currency?: string;
  dueDate: string | null;
  name?: string | null;
  status?: string | null;
  total?: Money | null;
  balance?: Money | null;
  issuedAt?: string | null;
  voidedAt?: string | null;
  items?: unknown[] | null;
}

/**
 * A null shipment id, type, file name or url means the event did not carry it. `memo`, `archivedAt` and
 * `uploadedAt` come from v2 events only: undefined when not mentioned, null when sent as null.
 */
export interface DocumentFacts {
  category: EventCategory.Document;
  documentId: string;
  shipmentId: string | null;
  documentType: string | null;
  fileName: string | null;
  url: string | null;
  memo?: string | null;
  archivedAt?: string | null;
  uploadedAt?: string | null;
}

/** The dates a container event gives one container: `YYYY-MM-DD` for the last free day, instants otherwise. */
export interface ContainerDates {
  lastFreeDay?: string;
  availableForPickupAt?: string;
  emptyReturnedAt?: string;
}

export interface ContainerFacts {
  category: EventCategory.Container;
  containerNumbers: string[];
  shipmentId: string | null;
  location: Location | null;
  /** Null for the date events (pickup, free time, empty return), which leave the status alone. */
  status: 'loaded' | 'unloaded' | null;
  /** By container number; empty for loading and unloading. */
  dates: Readonly<Record<string, ContainerDates>>;
}

export interface UnknownFacts {
  category: EventCategory.Unknown;
}

export type EventFacts =
  | MilestoneFacts
  | TransitFacts
  | ExceptionFacts
  | BookingFacts
  | PurchaseOrderFacts
  | InvoiceFacts
  | DocumentFacts
  | ContainerFacts
  | UnknownFacts;

export interface SubjectIds {
  shipmentId?: string;
  bookingId?: string;
  purchaseOrderId?: string;
  invoiceId?: string;
  documentId?: string;
  containerNumbers?: string[];
}

/** What intake needs to route an event: no validation of its data. */
export interface EventClassification {
  eventId: string;
  type: string;
  format: EnvelopeFormat;
  category: EventCategory;
  /** Canonical name; null for unknown types. */
  name: CanonicalName | null;
}

/** One event, whichever envelope it came in. */
export interface NormalizedEvent extends EventClassification {
  occurredAt: string;
  receivedAt: string;
  subject: SubjectIds;
  facts: EventFacts;
}
