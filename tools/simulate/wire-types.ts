import { CanonicalName, EnvelopeFormat, EventCategory, lookupEvent, lookupType } from '@app/flexport';

/**
 * What a journey step means, which is also the canonical name the service must give its event in
 * either envelope (each compact ETA update carries only the one date its name stands for).
 */
export type StepKind = Exclude<CanonicalName, 'actual_departure' | 'container_free_time_expired'>;

const C = EventCategory;

/** The category each step belongs to, written out independently of the catalogue so tests can compare. */
export const STEP_CATEGORY: Readonly<Record<StepKind, EventCategory>> = {
  cargo_ready: C.Milestone,
  departed: C.Milestone,
  arrived: C.Milestone,
  customs_cleared: C.Milestone,
  delivered: C.Milestone,
  estimated_departure: C.Transit,
  estimated_arrival: C.Transit,
  cargo_ready_date_changed: C.Transit,
  booking_confirmed: C.Booking,
  booking_amended: C.Booking,
  po_created: C.PurchaseOrder,
  po_updated: C.PurchaseOrder,
  po_archived: C.PurchaseOrder,
  invoice_created: C.Invoice,
  freight_invoice_ready: C.Invoice,
  invoice_updated: C.Invoice,
  document_uploaded: C.Document,
  bill_of_lading_ready: C.Document,
  document_updated: C.Document,
  container_loaded: C.Container,
  container_unloaded: C.Container,
  container_available_for_pickup: C.Container,
  container_free_time_expiring: C.Container,
  container_empty_returned: C.Container,
  delay: C.Exception,
  customs_hold: C.Exception,
};

export const ALL_STEP_KINDS = Object.keys(STEP_CATEGORY) as StepKind[];

/** The compact type of each step that has one; the others exist in Flexport's v2 envelope only. */
export const COMPACT_TYPES: Readonly<Partial<Record<StepKind, string>>> = {
  cargo_ready: 'shipment.milestone',
  departed: 'shipment.milestone',
  arrived: 'shipment.milestone',
  customs_cleared: 'shipment.milestone',
  delivered: 'shipment.milestone',
  estimated_departure: 'shipment.eta_updated',
  estimated_arrival: 'shipment.eta_updated',
  booking_confirmed: 'booking.confirmed',
  booking_amended: 'booking.amended',
  po_created: 'purchase_order.created',
  po_updated: 'purchase_order.updated',
  po_archived: 'purchase_order.archived',
  invoice_created: 'invoice.created',
  freight_invoice_ready: 'invoice.freight_invoice_ready',
  document_uploaded: 'document.uploaded',
  bill_of_lading_ready: 'document.bill_of_lading_ready',
  container_loaded: 'container.loaded',
  container_unloaded: 'container.unloaded',
};

/** The v2 type a real delivery would carry; used only while the catalogue maps it to the same name. */
const V2_CANDIDATES: Readonly<Partial<Record<StepKind, string>>> = {
  departed: '/shipment_leg#departed',
  arrived: '/shipment_leg#arrived',
  customs_cleared: '/shipment#customs_entry_release_status_released',
  delivered: '/shipment#delivered_in_full',
  estimated_departure: '/shipment_leg#updated_estimated_time_of_departure',
  estimated_arrival: '/shipment_leg#updated_estimated_time_of_arrival',
  booking_confirmed: '/shipment#booking_confirmed',
  container_loaded: '/ocean/shipment_container_leg#loaded_on_board',
  container_unloaded: '/ocean/shipment_container_leg#unloaded_off_board',
  container_available_for_pickup: '/ocean/shipment_container_leg#available_for_pickup',
  container_free_time_expiring: '/ocean/shipment_container#free_time_to_expire',
  container_empty_returned: '/ocean/shipment_container#empty_returned',
};

/** Steps whose type depends on the step (an exception's verb, an invoice event's verb, …): the step names it. */
export const PER_STEP_V2_TYPE: ReadonlySet<StepKind> = new Set([
  'cargo_ready_date_changed',
  'delay',
  'customs_hold',
  'invoice_updated',
  'document_updated',
]);

/** The v2 resource a per-step type is dispatched on, for the check below. */
const V2_RESOURCE: Readonly<Partial<Record<StepKind, string>>> = { invoice_updated: '/invoice', document_updated: '/document' };

export function v2TypeFor(kind: StepKind): string | undefined {
  const type = V2_CANDIDATES[kind];
  const entry = type === undefined ? undefined : lookupType(type);
  return entry?.format === 'v2' && entry.name === kind ? type : undefined;
}

/** Whether the step can be sent in the v2 envelope (as `v2Type` for a per-step type) while the catalogue maps it to its kind. */
export function hasV2Type(kind: StepKind, v2Type?: string): boolean {
  if (!PER_STEP_V2_TYPE.has(kind)) return v2TypeFor(kind) !== undefined;
  if (v2Type === undefined) return false;
  const resource = V2_RESOURCE[kind];
  return lookupEvent(v2Type, resource ? { resource: { _object: resource } } : {})?.name === kind;
}

/** The wire type of a step in its envelope. */
export function wireTypeFor(step: { kind: StepKind; format: EnvelopeFormat; v2Type?: string }): string {
  const type = step.format === 'compact' ? COMPACT_TYPES[step.kind] : PER_STEP_V2_TYPE.has(step.kind) ? step.v2Type : v2TypeFor(step.kind);
  if (type === undefined) throw new Error(`no ${step.format} type for ${step.kind}`);
  return type;
}
