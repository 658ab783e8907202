import { CanonicalName, EnvelopeFormat, EventCategory, Milestone } from './catalogue.js';

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

export interface InvoiceFacts {
  category: EventCategory.Invoice;
  invoiceId: string;
  shipmentId: string | null;
  kind: 'invoice' | 'freight_invoice';
  amount: string;
  currency: string;
  dueDate: string | null;
}

export interface DocumentFacts {
  category: EventCategory.Document;
  documentId: string;
  shipmentId: string | null;
  documentType: string;
  fileName: string | null;
  url: string | null;
}

export interface ContainerFacts {
  category: EventCategory.Container;
  containerNumbers: string[];
  shipmentId: string | null;
  location: Location | null;
  status: 'loaded' | 'unloaded';
}

export interface UnknownFacts {
  category: EventCategory.Unknown;
}

export type EventFacts =
  MilestoneFacts | TransitFacts | BookingFacts | PurchaseOrderFacts | InvoiceFacts | DocumentFacts | ContainerFacts | UnknownFacts;

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
