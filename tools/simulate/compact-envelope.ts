import type { JourneyStep } from './journey.js';
import type { Site } from './places.js';
import { wireTypeFor } from './wire-types.js';

/** Compact timestamps drop a zero millisecond part, as the fixtures do. */
const compactTime = (value: string): string => value.replace(/\.000Z$/, 'Z');

const location = (site: Site | null) => (site ? { name: site.name, country: site.country } : undefined);

/** The compact JSON envelope of README "Event catalogue": `{"id":"evt_…","type":"…","created_at":…,"data":{…}}`. */
export function compactEnvelope(step: JourneyStep): Record<string, unknown> {
  return {
    id: step.wireId,
    type: wireTypeFor(step),
    created_at: compactTime(step.createdAt),
    data: { ...compactData(step), occurred_at: compactTime(step.occurredAt) },
  };
}

function compactData(step: JourneyStep): Record<string, unknown> {
  const shipmentId = String(step.shipment.id);
  switch (step.kind) {
    case 'po_created':
    case 'po_updated':
      return {
        purchase_order_id: step.purchaseOrder.id,
        number: step.purchaseOrder.number,
        buyer: step.purchaseOrder.buyer,
        seller: step.purchaseOrder.seller,
        line_items: step.purchaseOrder.lineItems,
      };
    case 'po_archived':
      return { purchase_order_id: step.purchaseOrder.id, number: step.purchaseOrder.number, archived_reason: 'fully_shipped' };
    case 'booking_confirmed':
    case 'booking_amended':
      return {
        booking_id: String(step.booking.id),
        shipment_id: shipmentId,
        cargo_ready_date: step.booking.cargoReadyDate,
        container_counts: step.booking.containerCounts,
        origin_port: step.shipment.origin.unlocode,
        destination_port: step.shipment.destination.unlocode,
        incoterm: step.shipment.incoterm,
      };
    case 'estimated_departure':
    case 'estimated_arrival':
      return {
        shipment_id: shipmentId,
        ...(step.announced.estimatedDepartureAt ? { estimated_departure: compactTime(step.announced.estimatedDepartureAt) } : {}),
        ...(step.announced.estimatedArrivalAt ? { estimated_arrival: compactTime(step.announced.estimatedArrivalAt) } : {}),
      };
    case 'cargo_ready':
    case 'departed':
    case 'arrived':
    case 'customs_cleared':
    case 'delivered':
      return { shipment_id: shipmentId, milestone: step.kind, ...(step.location ? { location: location(step.location) } : {}) };
    case 'container_loaded':
    case 'container_unloaded':
      return { container_number: step.container.number, shipment_id: shipmentId, location: location(step.location) };
    case 'invoice_created':
    case 'freight_invoice_ready':
      return {
        invoice_id: step.invoice.id,
        shipment_id: shipmentId,
        amount: step.invoice.amount,
        currency: step.invoice.currency,
        due_date: step.invoice.dueDate,
        description: step.invoice.description,
      };
    case 'document_uploaded':
    case 'bill_of_lading_ready':
      return {
        document_id: step.document.id,
        shipment_id: shipmentId,
        document_type: step.document.documentType,
        file_name: step.document.fileName,
        url: step.document.url,
      };
    default:
      throw new Error(`${step.kind} has no compact envelope`);
  }
}
