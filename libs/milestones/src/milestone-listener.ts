import type { EntityManager } from 'typeorm';
import type { Location, Milestone } from '@app/flexport';

/** A milestone event newly entered in a shipment's history. */
export interface RecordedMilestone {
  shipmentId: string;
  milestone: Milestone;
  occurredAt: string;
  location: Location | null;
  eventId: string;
  /** No other event had recorded this milestone for this shipment: e.g. the moment to notify, once. */
  first: boolean;
}

/**
 * Called inside the transaction that records the milestone (same EntityManager), after the shipment
 * row is locked, so what the listener writes (an outbox row) commits or rolls back with it.
 * Throwing fails the event like any other error (InvalidEventError: dead letter; else retried).
 * Provide it as MILESTONE_LISTENER from a @Global() module (e.g. notifications).
 */
export interface MilestoneListener {
  onMilestoneRecorded(manager: EntityManager, recorded: RecordedMilestone): Promise<void>;
  /**
   * Optional: the same for every milestone a batch transaction recorded, in one go (at most one
   * `first` per shipment and milestone). Without it, `onMilestoneRecorded` is called for each.
   */
  onMilestonesRecorded?(manager: EntityManager, recorded: readonly RecordedMilestone[]): Promise<void>;
}

export const MILESTONE_LISTENER = Symbol('MILESTONE_LISTENER');
