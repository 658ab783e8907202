import { iso } from '@app/database';
import type { Location, Milestone } from '@app/flexport';
import type { ShipmentState } from './shipment-state.js';
import type { CustomsStatus } from './shipment.entity.js';

/** The shipments table's state columns as node-postgres returns them, for the handler and the reader alike. */
export interface ShipmentColumns {
  status: Milestone | null;
  status_at: Date | null;
  location: Location | null;
  estimated_departure_at: Date | null;
  estimated_arrival_at: Date | null;
  actual_departure_at: Date | null;
  actual_arrival_at: Date | null;
  customs_status: CustomsStatus | null;
  /** Read as `cargo_ready_date::text`: node-postgres would turn a DATE into a Date at local midnight. */
  cargo_ready_date: string | null;
  container_numbers: string[];
}

/** The state columns as a SELECT list. */
export const SHIPMENT_STATE_COLUMNS = `status, status_at, location, estimated_departure_at, estimated_arrival_at, actual_departure_at,
  actual_arrival_at, customs_status, cargo_ready_date::text AS cargo_ready_date, container_numbers`;

/** The state's fields but the container numbers and versions, which the handler and the reader each take their own way. */
export function shipmentStateFields(row: ShipmentColumns): Omit<ShipmentState, 'containerNumbers' | 'versions'> {
  return {
    status: row.status,
    statusAt: iso(row.status_at),
    location: row.location,
    estimatedDepartureAt: iso(row.estimated_departure_at),
    estimatedArrivalAt: iso(row.estimated_arrival_at),
    actualDepartureAt: iso(row.actual_departure_at),
    actualArrivalAt: iso(row.actual_arrival_at),
    customsStatus: row.customs_status,
    cargoReadyDate: row.cargo_ready_date,
  };
}
