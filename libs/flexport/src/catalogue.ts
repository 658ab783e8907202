export enum EventCategory {
  Milestone = 'milestone',
  Transit = 'transit',
  Booking = 'booking',
  PurchaseOrder = 'purchase_order',
  Invoice = 'invoice',
  Document = 'document',
  Container = 'container',
  Unknown = 'unknown',
}

/**
 * The product's catalogue of canonical event names, in README "Event catalogue" order. The order breaks ties:
 * when two events that set the same field occurred at the same instant, the later name wins.
 */
export const CANONICAL_NAMES = [
  'cargo_ready',
  'departed',
  'arrived',
  'customs_cleared',
  'delivered',
  'estimated_departure',
  'estimated_arrival',
  'actual_departure',
  'booking_confirmed',
  'booking_amended',
  'po_created',
  'po_updated',
  'po_archived',
  'invoice_created',
  'freight_invoice_ready',
  'document_uploaded',
  'bill_of_lading_ready',
  'container_loaded',
  'container_unloaded',
] as const;
export type CanonicalName = (typeof CANONICAL_NAMES)[number];

export const MILESTONES = ['cargo_ready', 'departed', 'arrived', 'customs_cleared', 'delivered'] as const;
export type Milestone = (typeof MILESTONES)[number];

export type EnvelopeFormat = 'v2' | 'compact';

export interface CatalogueEntry {
  type: string;
  format: EnvelopeFormat;
  category: EventCategory;
  /**
   * Null where the name comes from the data: compact `shipment.milestone` takes its `milestone`
   * field; compact `shipment.eta_updated` the latest transit name, in catalogue order, whose field
   * it carries (`estimated_arrival` when it carries only `actual_arrival`).
   */
  name: CanonicalName | null;
}

const C = EventCategory;

/** The one mapping from wire types to category and canonical name. Documented in README.md. */
export const EVENT_CATALOGUE: readonly CatalogueEntry[] = [
  { type: 'shipment.milestone', format: 'compact', category: C.Milestone, name: null },
  { type: 'shipment.eta_updated', format: 'compact', category: C.Transit, name: null },
  { type: 'booking.confirmed', format: 'compact', category: C.Booking, name: 'booking_confirmed' },
  { type: 'booking.amended', format: 'compact', category: C.Booking, name: 'booking_amended' },
  { type: 'purchase_order.created', format: 'compact', category: C.PurchaseOrder, name: 'po_created' },
  { type: 'purchase_order.updated', format: 'compact', category: C.PurchaseOrder, name: 'po_updated' },
  { type: 'purchase_order.archived', format: 'compact', category: C.PurchaseOrder, name: 'po_archived' },
  { type: 'invoice.created', format: 'compact', category: C.Invoice, name: 'invoice_created' },
  { type: 'invoice.freight_invoice_ready', format: 'compact', category: C.Invoice, name: 'freight_invoice_ready' },
  { type: 'document.uploaded', format: 'compact', category: C.Document, name: 'document_uploaded' },
  { type: 'document.bill_of_lading_ready', format: 'compact', category: C.Document, name: 'bill_of_lading_ready' },
  { type: 'container.loaded', format: 'compact', category: C.Container, name: 'container_loaded' },
  { type: 'container.unloaded', format: 'compact', category: C.Container, name: 'container_unloaded' },

  { type: '/shipment_leg#departed', format: 'v2', category: C.Milestone, name: 'departed' },
  { type: '/shipment_leg#arrived', format: 'v2', category: C.Milestone, name: 'arrived' },
  { type: '/shipment_leg#delivered', format: 'v2', category: C.Milestone, name: 'delivered' },
  { type: '/shipment_leg#delivery_completed', format: 'v2', category: C.Milestone, name: 'delivered' },
  { type: '/shipment#delivered_in_full', format: 'v2', category: C.Milestone, name: 'delivered' },
  { type: '/shipment#customs_entry_release_status_released', format: 'v2', category: C.Milestone, name: 'customs_cleared' },
  { type: '/shipment#export_customs_cleared', format: 'v2', category: C.Milestone, name: 'customs_cleared' },
  { type: '/shipment_leg#updated_estimated_time_of_departure', format: 'v2', category: C.Transit, name: 'estimated_departure' },
  { type: '/shipment_leg#updated_estimated_time_of_arrival', format: 'v2', category: C.Transit, name: 'estimated_arrival' },
  { type: '/shipment#booking_confirmed', format: 'v2', category: C.Booking, name: 'booking_confirmed' },
  { type: '/ocean/shipment_container_leg#loaded_on_board', format: 'v2', category: C.Container, name: 'container_loaded' },
  { type: '/ocean/shipment_container_leg#unloaded_off_board', format: 'v2', category: C.Container, name: 'container_unloaded' },
];

const BY_TYPE = new Map(EVENT_CATALOGUE.map((entry) => [entry.type, entry]));

export function lookupType(type: string): CatalogueEntry | undefined {
  return BY_TYPE.get(type);
}

const RANK = new Map<string, number>(CANONICAL_NAMES.map((name, index) => [name, index]));

/** Position in the catalogue, for tie-breaking; unknown names sort first. */
export function catalogueRank(name: string | null | undefined): number {
  return name ? (RANK.get(name) ?? -1) : -1;
}

export function isMilestone(value: unknown): value is Milestone {
  return typeof value === 'string' && (MILESTONES as readonly string[]).includes(value);
}
