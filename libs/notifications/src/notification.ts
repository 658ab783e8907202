import { createHash } from 'node:crypto';
import type { Location, Milestone } from '@app/flexport';

/** The milestones stakeholders are told about (README "Processing rules"); the others are recorded silently. */
export const NOTIFIED_MILESTONES = ['departed', 'arrived', 'delivered'] as const satisfies readonly Milestone[];
export type NotifiedMilestone = (typeof NOTIFIED_MILESTONES)[number];

export function isNotifiedMilestone(value: unknown): value is NotifiedMilestone {
  return typeof value === 'string' && (NOTIFIED_MILESTONES as readonly string[]).includes(value);
}

/** What a stakeholder receives: the milestone as first recorded for the shipment. */
export interface MilestoneNotification {
  shipmentId: string;
  milestone: NotifiedMilestone;
  occurredAt: string;
  location: Location | null;
}

/** Data of a `JobName.Notify` job: one notification to one URL. */
export interface NotifyJobData {
  deliveryKey: string;
  shipmentId: string;
  milestone: NotifiedMilestone;
  url: string;
}

/**
 * The request body, byte for byte the same on every attempt and replay (fixed key order), so the
 * signature and the receiver's view of a repeat never differ.
 */
export function notificationBody(notification: MilestoneNotification): string {
  const { location } = notification;
  return JSON.stringify({
    shipmentId: notification.shipmentId,
    milestone: notification.milestone,
    occurredAt: notification.occurredAt,
    location: location === null ? null : { name: location.name ?? null, country: location.country ?? null },
  });
}

/**
 * Identity of one notification to one URL, sent as `Idempotency-Key`: hex SHA-256 of the three,
 * JSON-encoded so that no two triples share an encoding.
 */
export function deliveryKey(shipmentId: string, milestone: string, url: string): string {
  return createHash('sha256')
    .update(JSON.stringify([shipmentId, milestone, url]))
    .digest('hex');
}

/** BullMQ job id: deterministic per delivery, so a relay crash or a second relay adds no second job. */
export function notifyJobId(key: string, replay = 0): string {
  return replay === 0 ? `notify-${key}` : `notify-${key}-replay-${replay}`;
}

export class InvalidNotifyJobError extends Error {
  override name = 'InvalidNotifyJobError';
}

/** Validates a job's data; a job that fails this can never succeed. */
export function parseNotifyJobData(data: unknown): NotifyJobData {
  const candidate = (typeof data === 'object' && data !== null ? data : {}) as Partial<Record<keyof NotifyJobData, unknown>>;
  const { deliveryKey: key, shipmentId, milestone, url } = candidate;
  if (typeof key !== 'string' || typeof shipmentId !== 'string' || typeof url !== 'string' || !isNotifiedMilestone(milestone)) {
    throw new InvalidNotifyJobError('notify job data must carry deliveryKey, shipmentId, a notified milestone and url');
  }
  if (key !== deliveryKey(shipmentId, milestone, url)) {
    throw new InvalidNotifyJobError(`notify job ${key} does not match its shipment, milestone and url`);
  }
  return { deliveryKey: key, shipmentId, milestone, url };
}
