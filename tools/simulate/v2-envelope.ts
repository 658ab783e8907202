import type { JourneyStep, LegSnapshot, ShipmentPlan } from './journey.js';
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
    type: wireTypeFor(step.kind, 'v2'),
    data: {
      _object: '/shipment_event_data',
      ...v2Parts(step),
    },
  };
}

function v2Parts(step: JourneyStep): { resource: unknown; shipment: unknown; location: unknown; containers: unknown[] } {
  const { shipment } = step;
  switch (step.kind) {
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
        containers: [
          {
            _object: '/ocean/shipment_container',
            id: container.id,
            container_number: container.number,
            container_size: container.size,
            container_type: container.type,
            seal_number: container.seal,
          },
        ],
      };
    }
    default:
      throw new Error(`${step.kind} has no v2 envelope`);
  }
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

function shipmentObject(shipment: ShipmentPlan, status: string, leg: LegSnapshot | null): Record<string, unknown> {
  return {
    _object: '/shipment',
    id: shipment.id,
    name: shipment.name,
    status,
    transportation_mode: 'ocean',
    incoterm: shipment.incoterm,
    cargo_ready_date: shipment.cargoReadyDate,
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
