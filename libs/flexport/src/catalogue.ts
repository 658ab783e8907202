export enum EventCategory {
  Milestone = 'milestone',
  Transit = 'transit',
  Booking = 'booking',
  PurchaseOrder = 'purchase_order',
  Invoice = 'invoice',
  Document = 'document',
  Container = 'container',
  Exception = 'exception',
  Unknown = 'unknown',
}

/**
 * The product's catalogue of canonical event names, in README "Event catalogue" order. The order breaks ties:
 * when two events that set the same field occurred at the same instant, the later name wins. New names
 * are appended, so the relative order of the older ones never changes: a customs hold therefore wins
 * a tie with customs_cleared (the shipment shows `held` until a release that occurred later), and a
 * v2 invoice or document resource wins a tie with a compact invoice or document event.
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
  'cargo_ready_date_changed',
  'delay',
  'customs_hold',
  'invoice_updated',
  'document_updated',
  'container_available_for_pickup',
  'container_free_time_expiring',
  'container_free_time_expired',
  'container_empty_returned',
] as const;
export type CanonicalName = (typeof CANONICAL_NAMES)[number];

export const MILESTONES = ['cargo_ready', 'departed', 'arrived', 'customs_cleared', 'delivered'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** The kinds of a shipment's exceptions: they are also the canonical names of their events. */
export const EXCEPTION_KINDS = ['delay', 'customs_hold'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export type EnvelopeFormat = 'v2' | 'compact';

/** The verbs of Flexport's documented `/shipment#…` delay and exception types; the verb is the exception's reason. */
export const DELAY_VERBS = [
  'cargo_breakdown_delay',
  'cargo_bumped_from_booked_flight',
  'cargo_contamination_delay',
  'cargo_not_available',
  'cargo_ready_date_changed_exception',
  'cargo_rolled_from_booked_vessel',
  'dry_run_pickup',
  'dry_run_delivery_attempt_not_completed',
  'equipment_unavailable',
  'flight_delay_mechanical',
  'flight_delay_schedule_updated_by_carrier',
  'late_bill_of_lading_release',
  'missed_appointment',
  'missing_cargo',
  'no_appointments_available',
  'no_attempt_made',
  'ocean_port_dwell_delay',
  'pending_customs_clearance_from_nominated_broker',
  'pending_delivery_appointment_confirmation',
  'port_strike_delay',
  'rail_car_equipment_breakdown',
  'rail_interchange_delay',
  'rail_transfer_delay',
  'shipment_rerouted_by_carrier',
  'shipment_rerouted_per_client_request',
  'supplier_late_gate_in',
  'supplier_late_documents',
  'transload_delay',
  'transshipment_delay',
  'trucker_rejected',
  'truckers_hours_expired',
  'trucking_delay_chassis_problem',
  'trucking_delay_mechanical_problem',
  'trucking_delay_port_congestion',
  'trucking_delay_other',
  'trucking_delay_strike',
  'trucking_delay_traffic',
  'vessel_delay_mechanical',
  'vessel_delay_port_congestion',
  'vessel_delay_schedule_updated_by_carrier',
  'warehouse_devan_delay',
  'weather_delay',
] as const;

/** The verbs of Flexport's documented `/shipment#…` customs hold and exam types. */
export const CUSTOMS_HOLD_VERBS = [
  'customs_agriculture_hold',
  'customs_entry_release_status_document_required',
  'customs_entry_release_status_entry_docs_required',
  'customs_entry_release_status_pending_intensive_exam',
  'customs_entry_release_status_release_suspended',
  'customs_entry_release_status_under_cbp_review',
  'customs_undergoing_x_ray_exam',
  'export_country_customs_exam',
  'export_country_magnetism_exam',
] as const;

interface EntryBase {
  format: EnvelopeFormat;
  category: EventCategory;
  /**
   * Null where the name comes from the data: compact `shipment.milestone` takes its `milestone`
   * field; compact `shipment.eta_updated` the latest transit name, in catalogue order, whose field
   * it carries (`estimated_arrival` when it carries only `actual_arrival`).
   */
  name: CanonicalName | null;
}

/**
 * An entry matches a wire type, or (for the resources whose event names Flexport does not publish)
 * any event whose `data.resource._object` is `resource`. A type entry wins over a resource entry.
 */
export type CatalogueEntry = EntryBase & ({ type: string; resource?: undefined } | { resource: string; type?: undefined });

const C = EventCategory;

/** The one mapping from wire types (and v2 resources) to category and canonical name. Documented in README.md. */
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
  { type: '/shipment#cargo_ready_date_changed', format: 'v2', category: C.Transit, name: 'cargo_ready_date_changed' },
  { type: '/shipment#updated_cargo_ready_date', format: 'v2', category: C.Transit, name: 'cargo_ready_date_changed' },
  { type: '/shipment#booking_confirmed', format: 'v2', category: C.Booking, name: 'booking_confirmed' },
  { type: '/ocean/shipment_container_leg#loaded_on_board', format: 'v2', category: C.Container, name: 'container_loaded' },
  { type: '/ocean/shipment_container_leg#unloaded_off_board', format: 'v2', category: C.Container, name: 'container_unloaded' },
  {
    type: '/ocean/shipment_container_leg#available_for_pickup',
    format: 'v2',
    category: C.Container,
    name: 'container_available_for_pickup',
  },
  { type: '/ocean/shipment_container#free_time_to_expire', format: 'v2', category: C.Container, name: 'container_free_time_expiring' },
  { type: '/ocean/shipment_container#free_time_expired', format: 'v2', category: C.Container, name: 'container_free_time_expired' },
  { type: '/ocean/shipment_container#empty_returned', format: 'v2', category: C.Container, name: 'container_empty_returned' },
  ...DELAY_VERBS.map((verb) => ({ type: `/shipment#${verb}`, format: 'v2', category: C.Exception, name: 'delay' }) as const),
  ...CUSTOMS_HOLD_VERBS.map((verb) => ({ type: `/shipment#${verb}`, format: 'v2', category: C.Exception, name: 'customs_hold' }) as const),

  { resource: '/invoice', format: 'v2', category: C.Invoice, name: 'invoice_updated' },
  { resource: '/document', format: 'v2', category: C.Document, name: 'document_updated' },
];

/**
 * Documented v2 types the mirror deliberately keeps `ignored`, and why. They are still kept in the
 * event log, counted by type in metrics, and listed on the timeline of the shipment they name.
 */
export const IGNORED_TYPES: readonly { type: string; reason: string }[] = [
  { type: '/shipment#created', reason: 'a shipment enters the mirror with its first milestone, transit or exception event' },
  { type: '/shipment#schedule_confirmed', reason: 'no field holds a confirmed schedule; the leg dates come with the ETD/ETA updates' },
  { type: '/shipment#updated_route', reason: 'the mirror keeps no route or legs' },
  { type: '/shipment_leg#updated_estimated_out_for_delivery', reason: 'the mirror has no out-for-delivery estimate' },
  { type: '/shipment_leg#out_for_delivery', reason: 'not a milestone of the catalogue; `delivered` follows it' },
  { type: '/ocean/shipment_leg#loaded_on_truck', reason: "a container's status is about the vessel (loaded on board or unloaded off it)" },
  {
    type: '/shipment_container_leg#updated_estimated_available_for_pickup',
    reason: '`availableForPickupAt` is the actual time; an estimate must not overwrite it',
  },
  { type: '/shipment#documents_sent_to_nominated_broker', reason: 'no field records it; the documents themselves come as document events' },
  { type: '/shipments#commercial_invoices_digitized', reason: 'the event carries no document; the documents come as document events' },
  { type: '/shipment_leg#delivery_appointment_requested', reason: 'the mirror keeps no delivery appointments' },
  { type: '/shipment_leg#delivery_appointment_scheduled', reason: 'the mirror keeps no delivery appointments' },
  { type: '/shipment#ftz_admission', reason: 'an admission into a foreign-trade zone is neither a customs hold nor a release' },
  {
    type: '/shipment#filing_submitted_for_in_bond_transportation',
    reason: 'an in-bond filing is neither a customs hold nor a release',
  },
];

const BY_TYPE = new Map(EVENT_CATALOGUE.filter((entry) => entry.type !== undefined).map((entry) => [entry.type as string, entry]));
const BY_RESOURCE = new Map(
  EVENT_CATALOGUE.filter((entry) => entry.resource !== undefined).map((entry) => [entry.resource as string, entry]),
);

/** The entry of a wire type, not looking at any resource. */
export function lookupType(type: string): CatalogueEntry | undefined {
  return BY_TYPE.get(type);
}

/** The entry of an event: by its type, else by the `_object` of its `data.resource`. Two map lookups, no validation. */
export function lookupEvent(type: string, data: unknown): CatalogueEntry | undefined {
  return BY_TYPE.get(type) ?? BY_RESOURCE.get(resourceObjectOf(data) as string);
}

function resourceObjectOf(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return undefined;
  const resource = (data as { resource?: unknown }).resource;
  if (typeof resource !== 'object' || resource === null) return undefined;
  return (resource as { _object?: unknown })._object;
}

const RANK = new Map<string, number>(CANONICAL_NAMES.map((name, index) => [name, index]));

/** Position in the catalogue, for tie-breaking; unknown names sort first. */
export function catalogueRank(name: string | null | undefined): number {
  return name ? (RANK.get(name) ?? -1) : -1;
}

export function isMilestone(value: unknown): value is Milestone {
  return typeof value === 'string' && (MILESTONES as readonly string[]).includes(value);
}
