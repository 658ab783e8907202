import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventCategory, Location, Milestone, NormalizedEvent } from '@app/flexport';
import { EventHandler, FieldVersions, queryRows } from '@app/processing';
import { MILESTONE_LISTENER } from './milestone-listener.js';
import type { MilestoneListener, RecordedMilestone } from './milestone-listener.js';
import { applyShipmentEvent, ShipmentState } from './shipment-state.js';

interface ShipmentRow {
  status: Milestone | null;
  status_at: Date | null;
  location: Location | null;
  estimated_departure_at: Date | null;
  estimated_arrival_at: Date | null;
  actual_departure_at: Date | null;
  actual_arrival_at: Date | null;
  container_numbers: string[];
  versions: FieldVersions;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

function toState(row: ShipmentRow): ShipmentState {
  return {
    status: row.status,
    statusAt: iso(row.status_at),
    location: row.location,
    estimatedDepartureAt: iso(row.estimated_departure_at),
    estimatedArrivalAt: iso(row.estimated_arrival_at),
    actualDepartureAt: iso(row.actual_departure_at),
    actualArrivalAt: iso(row.actual_arrival_at),
    containerNumbers: row.container_numbers,
    versions: row.versions,
  };
}

/**
 * Applies milestone and transit events to the shipments projection and its milestone history.
 * Concurrent workers on one shipment are serialised by the shipment row's lock (created if need be
 * with INSERT … ON CONFLICT DO NOTHING, then SELECT … FOR UPDATE), so no update is lost.
 */
@Injectable()
export class MilestonesService implements EventHandler {
  readonly categories = [EventCategory.Milestone, EventCategory.Transit] as const;

  constructor(@Optional() @Inject(MILESTONE_LISTENER) private readonly listener?: MilestoneListener) {}

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    const { facts } = event;
    if (facts.category !== EventCategory.Milestone && facts.category !== EventCategory.Transit) {
      throw new Error(`MilestonesService cannot apply a ${facts.category} event`);
    }
    const current = await this.lockShipment(manager, facts.shipmentId);
    const recorded =
      facts.category === EventCategory.Milestone
        ? await this.recordMilestone(manager, {
            shipmentId: facts.shipmentId,
            milestone: facts.milestone,
            occurredAt: event.occurredAt,
            location: facts.location,
            eventId: event.eventId,
          })
        : null;
    const next = applyShipmentEvent(current, event);
    if (next !== current || recorded) await this.saveShipment(manager, facts.shipmentId, next);
    if (recorded && this.listener) await this.listener.onMilestoneRecorded(manager, recorded);
  }

  private async lockShipment(manager: EntityManager, shipmentId: string): Promise<ShipmentState> {
    await queryRows(manager, 'INSERT INTO shipments (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [shipmentId]);
    const [row] = await queryRows<ShipmentRow>(
      manager,
      `SELECT status, status_at, location, estimated_departure_at, estimated_arrival_at, actual_departure_at,
              actual_arrival_at, container_numbers, versions
         FROM shipments WHERE id = $1 FOR UPDATE`,
      [shipmentId],
    );
    if (!row) throw new Error(`shipment ${shipmentId} vanished`);
    return toState(row);
  }

  /** Enters the event in the history once; null when it was already there. Runs under the shipment lock. */
  private async recordMilestone(
    manager: EntityManager,
    milestone: Omit<RecordedMilestone, 'first'>,
  ): Promise<RecordedMilestone | null> {
    const inserted = await queryRows(
      manager,
      `INSERT INTO shipment_milestones (shipment_id, event_id, milestone, occurred_at, location)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (shipment_id, event_id) DO NOTHING
       RETURNING event_id`,
      [
        milestone.shipmentId,
        milestone.eventId,
        milestone.milestone,
        milestone.occurredAt,
        milestone.location === null ? null : JSON.stringify(milestone.location),
      ],
    );
    if (inserted.length === 0) return null;
    const others = await queryRows(
      manager,
      `SELECT 1 FROM shipment_milestones WHERE shipment_id = $1 AND milestone = $2 AND event_id <> $3 LIMIT 1`,
      [milestone.shipmentId, milestone.milestone, milestone.eventId],
    );
    return { ...milestone, first: others.length === 0 };
  }

  private async saveShipment(manager: EntityManager, shipmentId: string, state: ShipmentState): Promise<void> {
    await queryRows(
      manager,
      `UPDATE shipments
          SET status = $2, status_at = $3, location = $4::jsonb, estimated_departure_at = $5, estimated_arrival_at = $6,
              actual_departure_at = $7, actual_arrival_at = $8, container_numbers = $9::text[], versions = $10::jsonb,
              updated_at = now()
        WHERE id = $1`,
      [
        shipmentId,
        state.status,
        state.statusAt,
        state.location === null ? null : JSON.stringify(state.location),
        state.estimatedDepartureAt,
        state.estimatedArrivalAt,
        state.actualDepartureAt,
        state.actualArrivalAt,
        state.containerNumbers,
        JSON.stringify(state.versions),
      ],
    );
  }
}
