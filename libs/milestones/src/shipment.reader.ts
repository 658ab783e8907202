import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ExceptionKind, Location, Milestone } from '@app/flexport';
import { queryRows } from '@app/database';
import type { CustomsStatus } from './shipment.entity.js';
import { SHIPMENT_STATE_COLUMNS, ShipmentColumns, shipmentStateFields } from './shipment-columns.js';

export interface ShipmentMilestoneView {
  milestone: Milestone;
  occurredAt: string;
  location: Location | null;
  eventId: string;
}

export interface ShipmentExceptionView {
  kind: ExceptionKind;
  /** The verb of the event's type, e.g. `vessel_delay_port_congestion`. */
  reason: string;
  occurredAt: string;
  eventId: string;
}

/** GET /shipments/:id (README "Reading state"). */
export interface ShipmentView {
  id: string;
  status: Milestone | null;
  statusAt: string | null;
  location: Location | null;
  estimatedDepartureAt: string | null;
  estimatedArrivalAt: string | null;
  actualDepartureAt: string | null;
  actualArrivalAt: string | null;
  /** `YYYY-MM-DD`. */
  cargoReadyDate: string | null;
  customsStatus: CustomsStatus | null;
  milestones: ShipmentMilestoneView[];
  exceptions: ShipmentExceptionView[];
  /** Container numbers linked by milestone events or by container events, sorted. */
  containers: string[];
  updatedAt: string;
}

/** One page, by id; the HTTP layer turns the last id into its opaque cursor when `hasMore`. */
export interface ShipmentPage {
  items: ShipmentView[];
  hasMore: boolean;
}

interface ShipmentRow extends ShipmentColumns {
  id: string;
  updated_at: Date;
}

interface ExceptionRow {
  shipment_id: string;
  kind: ExceptionKind;
  reason: string;
  occurred_at: Date;
  event_id: string;
}

interface MilestoneRow {
  shipment_id: string;
  milestone: Milestone;
  occurred_at: Date;
  location: Location | null;
  event_id: string;
}

const SHIPMENT_COLUMNS = `id, ${SHIPMENT_STATE_COLUMNS}, updated_at`;

/** Reads the shipments projection in the shape of the read API. No queue consumer: fine in the API process. */
@Injectable()
export class ShipmentReader {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<ShipmentView | null> {
    const rows = await queryRows<ShipmentRow>(this.dataSource.manager, `SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE id = $1`, [id]);
    const [view] = await this.views(rows);
    return view ?? null;
  }

  /** Ordered by id, from just after `afterId` (the last id of the previous page). */
  async list(options: { status?: string; limit?: number; afterId?: string | null } = {}): Promise<ShipmentPage> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const after = options.afterId ?? null;
    const rows = await queryRows<ShipmentRow>(
      this.dataSource.manager,
      `SELECT ${SHIPMENT_COLUMNS} FROM shipments
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id > $2)
        ORDER BY id LIMIT $3`,
      [options.status ?? null, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const items = await this.views(page);
    return { items, hasMore: rows.length > limit };
  }

  private async views(rows: ShipmentRow[]): Promise<ShipmentView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [milestones, exceptions, containers] = await Promise.all([
      queryRows<MilestoneRow>(
        this.dataSource.manager,
        `SELECT shipment_id, milestone, occurred_at, location, event_id FROM shipment_milestones
          WHERE shipment_id = ANY($1::text[]) ORDER BY shipment_id, occurred_at, event_id`,
        [ids],
      ),
      queryRows<ExceptionRow>(
        this.dataSource.manager,
        `SELECT shipment_id, kind, reason, occurred_at, event_id FROM shipment_exceptions
          WHERE shipment_id = ANY($1::text[]) ORDER BY shipment_id, occurred_at, event_id`,
        [ids],
      ),
      queryRows<{ shipment_id: string; container_number: string }>(
        this.dataSource.manager,
        'SELECT shipment_id, container_number FROM containers WHERE shipment_id = ANY($1::text[])',
        [ids],
      ),
    ]);
    return rows.map((row) => ({
      id: row.id,
      ...shipmentStateFields(row),
      milestones: milestones
        .filter((milestone) => milestone.shipment_id === row.id)
        .map((milestone) => ({
          milestone: milestone.milestone,
          occurredAt: milestone.occurred_at.toISOString(),
          location: milestone.location,
          eventId: milestone.event_id,
        })),
      exceptions: exceptions
        .filter((exception) => exception.shipment_id === row.id)
        .map((exception) => ({
          kind: exception.kind,
          reason: exception.reason,
          occurredAt: exception.occurred_at.toISOString(),
          eventId: exception.event_id,
        })),
      containers: [
        ...new Set([
          ...row.container_numbers,
          ...containers.filter((container) => container.shipment_id === row.id).map((c) => c.container_number),
        ]),
      ].sort(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }
}
