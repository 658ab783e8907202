import type { Location, Milestone } from '@app/flexport';
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
