import type { ContainerPlan, JourneyStep, LegSnapshot, ShipmentPlan } from './journey.js';
import type { Site } from './places.js';
import { wireTypeFor } from './wire-types.js';

/** `2026-03-02T06:40:00.000Z` written in a place's offset: `2026-03-02T14:40:00.000+08:00`. */
export function inOffset(instant: string, utcOffset: string): string {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
  if (!match) throw new Error(`bad UTC offset ${utcOffset}`);
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const local = new Date(Date.parse(instant) + minutes * 60_000).toISOString();
  return `${local.slice(0, -1)}${utcOffset}`;
}

const localTime = (instant: string | null, site: Site): string | null => (instant ? inOffset(instant, site.utcOffset) : null);

/**
 * The Flexport API v2 delivery: the Event itself, with `/shipment_event_data` naming the resource
 * (a shipment, its ocean leg or a container leg), the full shipment, the place and the containers.
 * Only steps whose v2 type the catalogue maps are built this way (see wire-types.ts).
 */
export function v2Envelope(step: JourneyStep): Record<string, unknown> {
  return {
    _object: '/event',
    id: step.wireId,
    version: 2,
    created_at: step.createdAt,
    occurred_at: step.occurredAt,
    type: wireTypeFor({ ...step, format: 'v2' }),
    data: v2Data(step),
  };
}

/**
 * Flexport does not publish the envelope of invoice and document events: `data` holds the resource
 * (and here no `_object`); the service recognises them by `data.resource._object`.
 */
function v2Data(step: JourneyStep): Record<string, unknown> {
  const { shipment } = step;
  switch (step.kind) {
    case 'invoice_updated': {
      const { resource } = step;
      return {
        resource: {
          _object: '/invoice',
          id: resource.id,
          name: resource.name,
          status: resource.status,
          type: 'Shipment',
          issued_at: resource.issuedAt,
          due_date: resource.dueDate,
          voided_at: null,
          last_updated_at: step.occurredAt,
          total: money(resource.total),
          balance: money(resource.balance),
          items: resource.items,
          shipments: [shipmentRef(shipment)],
        },
      };
    }
    case 'document_updated':
      return {
        resource: {
          _object: '/document',
          id: step.document.id,
          file_name: step.document.fileName,
          document_type: step.document.documentType,
          memo: step.resource.memo,
          file_link: step.document.url,
          archived_at: step.resource.archivedAt,
          file_metadata: { _object: '/file/metadata', size: 40_000 + (shipment.id % 9_000), uploaded_at: step.resource.uploadedAt },
          shipment: shipmentRef(shipment),
        },
      };
    default:
      return { _object: '/shipment_event_data', ...v2Parts(step) };
  }
}

const money = ({ amount, currency }: { amount: string; currency: string }) => ({ _object: '/money', amount, currency_code: currency });

function shipmentRef(shipment: ShipmentPlan): Record<string, unknown> {
  return { _object: '/api/refs/object', ref_type: '/shipment', link: `https://api.flexport.com/shipments/${shipment.id}`, id: shipment.id };
}

function v2Parts(step: JourneyStep): { resource: unknown; shipment: unknown; location: unknown; containers: unknown[] } {
  const { shipment } = step;
  switch (step.kind) {
    case 'cargo_ready_date_changed':
      return {
        resource: { _object: '/shipment', id: shipment.id, status: 'booked', cargo_ready_date: step.cargoReadyDate },
        shipment: shipmentObject(shipment, 'booked', null, step.cargoReadyDate),
        location: null,
        containers: [],
      };
    case 'delay':
    case 'customs_hold':
      return {
        resource: { _object: '/shipment', id: shipment.id, status: step.kind === 'delay' ? 'in_transit_to_arrival_port' : 'arrival_port' },
        shipment: shipmentObject(shipment, step.kind === 'delay' ? 'in_transit_to_arrival_port' : 'arrival_port', null),
        location: null,
        containers: [],
      };
    case 'container_available_for_pickup':
      return {
        resource: {
          _object: '/ocean/shipment_container_leg',
          id: step.container.legId,
          shipment_container: { _object: '/api/refs/object', id: step.container.id, ref_type: '/ocean/shipment_container' },
          // Documented as a list of dates, it arrives as an empty object.
          dates: {},
        },
        shipment: shipmentObject(shipment, 'arrival_port', null),
        location: shipmentNode(step.location, 'port_of_unloading'),
        containers: [containerObject(step.container)],
      };
    case 'container_free_time_expiring':
    case 'container_empty_returned':
      return {
        resource: {
          ...containerObject(step.container),
          last_free_day_date: step.lastFreeDay,
          empty_returned_date: step.kind === 'container_empty_returned' ? inOffset(step.occurredAt, step.location.utcOffset) : null,
        },
        shipment: shipmentObject(shipment, step.kind === 'container_empty_returned' ? 'final_destination' : 'arrival_port', null),
        location: null,
        containers: [],
      };
    case 'estimated_departure':
      return {
        resource: oceanLeg(shipment, {
          estimated_departure_date: localTime(step.leg.estimatedDepartureAt, shipment.origin),
          actual_departure_date: null,
          estimated_arrival_date: localTime(step.leg.estimatedArrivalAt, shipment.destination),
        }),
        shipment: shipmentObject(shipment, 'booked', step.leg),
        location: null,
        containers: [],
      };
    case 'estimated_arrival':
      return {
        resource: oceanLeg(shipment, {
          estimated_arrival_date: localTime(step.leg.estimatedArrivalAt, shipment.destination),
          actual_arrival_date: null,
        }),
        shipment: shipmentObject(shipment, 'in_transit_to_arrival_port', step.leg),
        location: null,
        containers: [],
      };
    case 'departed':
    case 'arrived':
      return {
        resource: oceanLeg(shipment, legDates(shipment, step.leg)),
        shipment: shipmentObject(shipment, step.kind === 'departed' ? 'in_transit_to_arrival_port' : 'arrival_port', step.leg),
        location: shipmentNode(step.location, step.kind === 'departed' ? 'port_of_loading' : 'port_of_unloading'),
        containers: [],
      };
    case 'customs_cleared':
    case 'delivered': {
      const status = step.kind === 'delivered' ? 'final_destination' : 'arrival_port';
      return {
        resource: { _object: '/shipment', id: shipment.id, status },
        shipment: shipmentObject(shipment, status, step.leg),
        location: shipmentNode(step.location, 'destination'),
        containers: [],
      };
    }
    case 'booking_confirmed':
      return {
        resource: {
          _object: '/booking',
          id: step.booking.id,
          status: 'confirmed',
          cargo_ready_date: step.booking.cargoReadyDate,
          container_counts: step.booking.containerCounts,
          origin_port: shipment.origin.unlocode,
          destination_port: shipment.destination.unlocode,
          incoterm: shipment.incoterm,
        },
        shipment: shipmentObject(shipment, 'booked', null),
        location: null,
        containers: [],
      };
    case 'container_loaded':
    case 'container_unloaded': {
      const loaded = step.kind === 'container_loaded';
      const { container } = step;
      return {
        resource: {
          _object: '/ocean/shipment_container_leg',
          id: container.legId,
          shipment_container: { _object: '/api/refs/object', id: container.id, ref_type: '/ocean/shipment_container' },
          dates: {
            [loaded ? 'actual_loaded_on_board_date' : 'actual_unloaded_off_board_date']: inOffset(step.occurredAt, step.location.utcOffset),
          },
        },
        shipment: shipmentObject(shipment, loaded ? 'departure_port' : 'arrival_port', null),
        location: shipmentNode(step.location, loaded ? 'port_of_loading' : 'port_of_unloading'),
        containers: [containerObject(container)],
      };
    }
    default:
      throw new Error(`${step.kind} has no v2 envelope`);
  }
}

function containerObject(container: ContainerPlan): Record<string, unknown> {
  return {
    _object: '/ocean/shipment_container',
    id: container.id,
    container_number: container.number,
    container_size: container.size,
    container_type: container.type,
    seal_number: container.seal,
  };
}

function legDates(shipment: ShipmentPlan, leg: LegSnapshot): Record<string, string | null> {
  return {
    estimated_departure_date: localTime(leg.estimatedDepartureAt, shipment.origin),
    actual_departure_date: localTime(leg.actualDepartureAt, shipment.origin),
    estimated_arrival_date: localTime(leg.estimatedArrivalAt, shipment.destination),
    actual_arrival_date: localTime(leg.actualArrivalAt, shipment.destination),
  };
}

function oceanLeg(shipment: ShipmentPlan, dates: Record<string, string | null>): Record<string, unknown> {
  return {
    _object: '/shipment_leg',
    id: shipment.legId,
    ...dates,
    carrier_name: shipment.carrier.name,
    transportation_mode: 'ocean',
    ocean_leg: {
      _object: '/ocean/shipment_leg',
      vessel_name: shipment.carrier.vessel,
      voyage_number: shipment.carrier.voyage,
      scac_code: shipment.carrier.scac,
    },
    air_leg: null,
    trucking_leg: null,
    rail_leg: null,
    shipment: {
      _object: '/api/refs/object',
      id: shipment.id,
      link: `https://api.flexport.com/shipments/${shipment.id}`,
      ref_type: '/shipment',
    },
  };
}

function shipmentObject(
  shipment: ShipmentPlan,
  status: string,
  leg: LegSnapshot | null,
  cargoReadyDate = shipment.cargoReadyDate,
): Record<string, unknown> {
  return {
    _object: '/shipment',
    id: shipment.id,
    name: shipment.name,
    status,
    transportation_mode: 'ocean',
    incoterm: shipment.incoterm,
    cargo_ready_date: cargoReadyDate,
    estimated_arrival_date: localTime(leg?.estimatedArrivalAt ?? null, shipment.destination),
    metadata: {},
    legs: {
      _object: '/api/refs/collection',
      link: `https://api.flexport.com/shipment_legs?f.shipment.id=${shipment.id}`,
      ref_type: '/shipment_leg',
    },
  };
}

function shipmentNode(site: Site | null, tag: string): Record<string, unknown> | null {
  if (!site) return null;
  return {
    _object: '/shipment_node',
    place: {
      _object: '/place',
      name: site.name,
      address: {
        _object: '/address',
        city: site.city,
        country_code: site.country,
        timezone: site.timezone,
        ...(site.unlocode ? { unlocode: site.unlocode } : {}),
      },
      details: [],
    },
    tags: [tag],
    terminal: null,
  };
}
