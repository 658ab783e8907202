import { Inject, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { lockOrder, queryRows } from '@app/database';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { EventHandler, HandlesEvents } from '@app/processing';
import type { FieldVersions } from '@app/versions';
import { MILESTONE_LISTENER } from './milestone-listener.js';
import type { MilestoneListener, RecordedMilestone } from './milestone-listener.js';
import { ShipmentExceptionEntity } from './shipment-exception.entity.js';
import { SHIPMENT_STATE_COLUMNS, ShipmentColumns, shipmentStateFields } from './shipment-columns.js';
import { ShipmentMilestoneEntity } from './shipment-milestone.entity.js';
import { applyShipmentEvent, isShipmentFacts, SHIPMENT_CATEGORIES, ShipmentFacts, ShipmentState } from './shipment-state.js';
import { ShipmentEntity } from './shipment.entity.js';

interface ShipmentRow extends ShipmentColumns {
  versions: FieldVersions;
}

const SHIPMENT_COLUMNS = `${SHIPMENT_STATE_COLUMNS}, versions`;

function toState(row: ShipmentRow): ShipmentState {
  // Object.assign, not spread: this runs for every shipment of every batch.
  return Object.assign(shipmentStateFields(row), { containerNumbers: row.container_numbers, versions: row.versions });
}

function shipmentFacts(event: NormalizedEvent): ShipmentFacts {
  const { facts } = event;
  if (!isShipmentFacts(facts)) throw new InvalidEventError(`MilestonesHandler cannot apply a ${facts.category} event`);
  return facts;
}

/** An exception event as its history row. */
function exceptionRow(event: NormalizedEvent) {
  const { facts } = event;
  if (facts.category !== EventCategory.Exception) return null;
  return { shipment_id: facts.shipmentId, event_id: event.eventId, kind: facts.kind, reason: facts.reason, occurred_at: event.occurredAt };
}

/**
 * Applies milestone, transit and exception events to the shipments projection and its milestone and
 * exception histories. Concurrent workers on one shipment are serialised by the shipment row's lock
 * (INSERT … ON CONFLICT DO UPDATE … WHERE false creates the row if need be and locks it), so no update is lost.
 * One event is a batch of one.
 * Not a ProjectionHandler: an event writes the shipment row, its histories and the listener's rows
 * under that one lock, where the one-table machinery writes a single table.
 */
@HandlesEvents(...SHIPMENT_CATEGORIES)
export class MilestonesHandler implements EventHandler {
  readonly projections = [ShipmentEntity, ShipmentMilestoneEntity, ShipmentExceptionEntity];

  constructor(@Optional() @Inject(MILESTONE_LISTENER) private readonly listener?: MilestoneListener) {}

  apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  /**
   * Every shipment of the batch is locked (created if need be) in one pass in lockOrder and read once,
   * the events folded in memory, and the history, the changed rows and the listener's rows written
   * with one statement each.
   */
  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    const ids = lockOrder(events.map((event) => shipmentFacts(event).shipmentId));
    const states = await this.lockShipments(manager, ids);
    const recorded = await this.recordMilestones(manager, events);
    const entered = await this.recordExceptions(
      manager,
      events.map(exceptionRow).filter((row) => row !== null),
    );
    const changed = new Set([...recorded.map((milestone) => milestone.shipmentId), ...entered]);
    for (const event of events) {
      const id = shipmentFacts(event).shipmentId;
      const current = states.get(id);
      if (!current) throw new Error(`shipment ${id} vanished`);
      const next = applyShipmentEvent(current, event);
      if (next === current) continue;
      states.set(id, next);
      changed.add(id);
    }
    await this.saveShipments(
      manager,
      lockOrder(changed).map((id) => [id, states.get(id) as ShipmentState]),
    );
    if (recorded.length === 0 || !this.listener) return;
    if (this.listener.onMilestonesRecorded) {
      await this.listener.onMilestonesRecorded(manager, recorded);
      return;
    }
    for (const milestone of recorded) await this.listener.onMilestoneRecorded(manager, milestone);
  }

  /** Inserts the rows that are missing and locks the others, in one pass in the order of `ids`. */
  private async lockShipments(manager: EntityManager, ids: readonly string[]): Promise<Map<string, ShipmentState>> {
    await queryRows(
      manager,
      `INSERT INTO shipments (id)
       SELECT k.id FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n) ORDER BY k.n
       ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id WHERE false`,
      [ids],
    );
    const rows = await queryRows<ShipmentRow & { id: string }>(
      manager,
      `SELECT id, ${SHIPMENT_COLUMNS} FROM shipments WHERE id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, toState(row)]));
  }

  /**
   * Enters the batch's milestone events in the history, in event order, skipping those already there.
   * `first` is decided against the history as it was before the statement (nobody else can add to it
   * while the shipments are locked) and against the events of the batch before this one.
   */
  private async recordMilestones(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<RecordedMilestone[]> {
    const milestones: Omit<RecordedMilestone, 'first'>[] = [];
    for (const event of events) {
      const { facts } = event;
      if (facts.category !== EventCategory.Milestone) continue;
      milestones.push({
        shipmentId: facts.shipmentId,
        milestone: facts.milestone,
        occurredAt: event.occurredAt,
        location: facts.location,
        eventId: event.eventId,
      });
    }
    if (milestones.length === 0) return [];
    const inserted = await queryRows<{ event_id: string; seen: boolean }>(
      manager,
      `WITH inserted AS (
         INSERT INTO shipment_milestones (shipment_id, event_id, milestone, occurred_at, location)
         SELECT r.shipment_id, r.event_id, r.milestone, r.occurred_at, r.location
           FROM jsonb_populate_recordset(NULL::shipment_milestones, $1::jsonb) AS r
         ON CONFLICT (shipment_id, event_id) DO NOTHING
         RETURNING shipment_id, event_id, milestone
       )
       SELECT i.event_id,
              EXISTS (SELECT 1 FROM shipment_milestones m WHERE m.shipment_id = i.shipment_id AND m.milestone = i.milestone) AS seen
         FROM inserted i`,
      [
        JSON.stringify(
          milestones.map((m) => ({
            shipment_id: m.shipmentId,
            event_id: m.eventId,
            milestone: m.milestone,
            occurred_at: m.occurredAt,
            location: m.location,
          })),
        ),
      ],
    );
    const seen = new Map(inserted.map((row) => [row.event_id, row.seen]));
    const recorded: RecordedMilestone[] = [];
    const taken = new Set<string>();
    for (const milestone of milestones) {
      const before = seen.get(milestone.eventId);
      if (before === undefined) continue;
      const key = JSON.stringify([milestone.shipmentId, milestone.milestone]);
      recorded.push({ ...milestone, first: !before && !taken.has(key) });
      taken.add(key);
    }
    return recorded;
  }

  /** Enters exception events in the history, each once (a repeat changes nothing); returns the shipments whose history grew. */
  private async recordExceptions(
    manager: EntityManager,
    rows: readonly NonNullable<ReturnType<typeof exceptionRow>>[],
  ): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await queryRows<{ shipment_id: string }>(
      manager,
      `INSERT INTO shipment_exceptions (shipment_id, event_id, kind, reason, occurred_at)
       SELECT r.shipment_id, r.event_id, r.kind, r.reason, r.occurred_at
         FROM jsonb_populate_recordset(NULL::shipment_exceptions, $1::jsonb) AS r
       ON CONFLICT (shipment_id, event_id) DO NOTHING
       RETURNING shipment_id`,
      [JSON.stringify(rows)],
    );
    return new Set(inserted.map((row) => row.shipment_id));
  }

  private async saveShipments(manager: EntityManager, states: readonly [string, ShipmentState][]): Promise<void> {
    if (states.length === 0) return;
    await queryRows(
      manager,
      `UPDATE shipments AS s
          SET status = r.status, status_at = r.status_at, location = r.location, estimated_departure_at = r.estimated_departure_at,
              estimated_arrival_at = r.estimated_arrival_at, actual_departure_at = r.actual_departure_at,
              actual_arrival_at = r.actual_arrival_at, customs_status = r.customs_status, cargo_ready_date = r.cargo_ready_date,
              container_numbers = r.container_numbers, versions = r.versions,
              updated_at = now()
         FROM jsonb_populate_recordset(NULL::shipments, $1::jsonb) AS r
        WHERE s.id = r.id`,
      [
        JSON.stringify(
          states.map(([id, state]) => ({
            id,
            status: state.status,
            status_at: state.statusAt,
            location: state.location,
            estimated_departure_at: state.estimatedDepartureAt,
            estimated_arrival_at: state.estimatedArrivalAt,
            actual_departure_at: state.actualDepartureAt,
            actual_arrival_at: state.actualArrivalAt,
            customs_status: state.customsStatus,
            cargo_ready_date: state.cargoReadyDate,
            container_numbers: state.containerNumbers,
            versions: state.versions,
          })),
        ),
      ],
    );
  }
}
