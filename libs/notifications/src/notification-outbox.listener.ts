import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MilestoneListener, RecordedMilestone } from '@app/milestones';
import { queryRows } from '@app/database';
import { isNotifiedMilestone } from './notification.js';
import { OutboxCommitSignal } from './outbox-commit.signal.js';

/**
 * MILESTONE_LISTENER: when departed, arrived or delivered is first recorded for a shipment, writes
 * the outbox row in the same transaction, so it exists exactly when the state change committed.
 * A dead-lettered or ignored event never reaches here, nor does a later event for the same milestone.
 */
@Injectable()
export class NotificationOutboxListener implements MilestoneListener {
  constructor(private readonly signal: OutboxCommitSignal) {}

  async onMilestoneRecorded(manager: EntityManager, recorded: RecordedMilestone): Promise<void> {
    if (!recorded.first || !isNotifiedMilestone(recorded.milestone)) return;
    const inserted = await queryRows(
      manager,
      `INSERT INTO notification_outbox (shipment_id, milestone, event_id, occurred_at, location)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (shipment_id, milestone) DO NOTHING
       RETURNING shipment_id`,
      [
        recorded.shipmentId,
        recorded.milestone,
        recorded.eventId,
        recorded.occurredAt,
        recorded.location === null ? null : JSON.stringify(recorded.location),
      ],
    );
    if (inserted.length > 0) this.signal.markWritten(manager);
  }

  /** The same for a batch transaction's milestones, in one INSERT. */
  async onMilestonesRecorded(manager: EntityManager, recorded: readonly RecordedMilestone[]): Promise<void> {
    const rows = recorded
      .filter((milestone) => milestone.first && isNotifiedMilestone(milestone.milestone))
      .map((milestone) => ({
        shipment_id: milestone.shipmentId,
        milestone: milestone.milestone,
        event_id: milestone.eventId,
        occurred_at: milestone.occurredAt,
        location: milestone.location,
      }));
    if (rows.length === 0) return;
    const inserted = await queryRows(
      manager,
      `INSERT INTO notification_outbox (shipment_id, milestone, event_id, occurred_at, location)
       SELECT r.shipment_id, r.milestone, r.event_id, r.occurred_at, r.location
         FROM jsonb_populate_recordset(NULL::notification_outbox, $1::jsonb) AS r
       ON CONFLICT (shipment_id, milestone) DO NOTHING
       RETURNING shipment_id`,
      [JSON.stringify(rows)],
    );
    if (inserted.length > 0) this.signal.markWritten(manager);
  }
}
