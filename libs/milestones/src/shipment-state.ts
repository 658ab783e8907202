import { EventCategory, EventFacts, Location, Milestone, NormalizedEvent, TRANSIT_FIELDS, TransitDates } from '@app/flexport';
import { claimField, FieldVersions, versionOf } from '@app/versions';
import type { CustomsStatus } from './shipment.entity.js';

/** The categories whose events describe a shipment: what the milestones module handles. */
export const SHIPMENT_CATEGORIES = [EventCategory.Milestone, EventCategory.Transit, EventCategory.Exception] as const;

export type ShipmentFacts = Extract<EventFacts, { category: (typeof SHIPMENT_CATEGORIES)[number] }>;

export function isShipmentFacts(facts: EventFacts): facts is ShipmentFacts {
  return (SHIPMENT_CATEGORIES as readonly EventCategory[]).includes(facts.category);
}

/** The fields of a shipment the state rules decide, as ISO strings; `versions` says which event set each. */
export interface ShipmentState {
  status: Milestone | null;
  statusAt: string | null;
  location: Location | null;
  estimatedDepartureAt: string | null;
  estimatedArrivalAt: string | null;
  actualDepartureAt: string | null;
  actualArrivalAt: string | null;
  customsStatus: CustomsStatus | null;
  /** `YYYY-MM-DD`. */
  cargoReadyDate: string | null;
  containerNumbers: string[];
  versions: FieldVersions;
}

export function emptyShipmentState(): ShipmentState {
  return {
    status: null,
    statusAt: null,
    location: null,
    estimatedDepartureAt: null,
    estimatedArrivalAt: null,
    actualDepartureAt: null,
    actualArrivalAt: null,
    customsStatus: null,
    cargoReadyDate: null,
    containerNumbers: [],
    versions: {},
  };
}

/**
 * The state rules of shipments, without I/O. Per field, the event with the greatest version wins
 * (occurredAt, then catalogue order, then eventId): the status is the winning milestone; the location
 * that of the winning milestone among those that had one; each transit date is decided on its own;
 * the customs status is `held` or `released` after whichever of the customs holds and customs_cleared
 * milestones wins (at the same instant a hold, later in the catalogue); the cargo ready date is that
 * of the winning cargo-ready-date event. Delays change no field (they enter the exceptions history).
 * Container numbers accumulate. Returns `state` itself when the event changes nothing, so applying
 * an event twice, or an older one late, leaves the state as it is.
 */
export function applyShipmentEvent(state: ShipmentState, event: NormalizedEvent): ShipmentState {
  const { facts } = event;
  if (!isShipmentFacts(facts)) return state;
  const version = versionOf(event);
  const versions: FieldVersions = { ...state.versions };
  const next: ShipmentState = { ...state, versions };
  let changed = false;
  const customs: CustomsStatus | null =
    facts.category === EventCategory.Exception
      ? facts.kind === 'customs_hold'
        ? 'held'
        : null
      : facts.category === EventCategory.Milestone && facts.milestone === 'customs_cleared'
        ? 'released'
        : null;
  if (customs && claimField(versions, 'customsStatus', version)) {
    next.customsStatus = customs;
    changed = true;
  }
  if (facts.category === EventCategory.Exception) return changed ? next : state;
  if (facts.category === EventCategory.Transit && facts.cargoReadyDate !== undefined && claimField(versions, 'cargoReadyDate', version)) {
    next.cargoReadyDate = facts.cargoReadyDate;
    changed = true;
  }

  if (facts.category === EventCategory.Milestone) {
    if (claimField(versions, 'status', version)) {
      next.status = facts.milestone;
      next.statusAt = event.occurredAt;
      changed = true;
    }
    if (facts.location && claimField(versions, 'location', version)) {
      next.location = { name: facts.location.name, country: facts.location.country };
      changed = true;
    }
    const containers = mergeContainers(state.containerNumbers, facts.containerNumbers);
    if (containers !== state.containerNumbers) {
      next.containerNumbers = containers;
      changed = true;
    }
  }
  for (const field of TRANSIT_FIELDS) {
    const value = (facts.transit as TransitDates)[field];
    if (value !== undefined && claimField(versions, field, version)) {
      next[field] = value;
      changed = true;
    }
  }
  return changed ? next : state;
}

function mergeContainers(current: string[], added: readonly string[]): string[] {
  const missing = added.filter((number) => !current.includes(number));
  if (missing.length === 0) return current;
  return [...new Set([...current, ...missing])].sort();
}
