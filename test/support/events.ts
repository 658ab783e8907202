import { classifyEnvelope, deriveEventId, Envelope, Milestone, normalizeEvent, NormalizedEvent, parseEnvelope } from '@app/flexport';
import type { EventJobData } from '@app/queue';
import { fixtureBytes } from './fixtures.js';

export const RECEIVED_AT = '2026-03-15T00:00:00.000Z';

/** The job the intake would queue for these exact bytes (parseEnvelope, deriveEventId, classifyEnvelope). */
export function jobDataFromBody(body: Buffer | string, receivedAt = RECEIVED_AT): EventJobData {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) throw new Error(`not an event: ${parsed.reason}`);
  const eventId = deriveEventId(parsed.envelope, raw);
  const { type, category, name } = classifyEnvelope(parsed.envelope, eventId);
  return { eventId, type, category, name, receivedAt, envelope: parsed.envelope };
}

export function fixtureJobData(relativePath: string, receivedAt = RECEIVED_AT): EventJobData {
  return jobDataFromBody(fixtureBytes(relativePath), receivedAt);
}

export function normalized(data: EventJobData): NormalizedEvent {
  return normalizeEvent(data.envelope, data.eventId, data.receivedAt);
}

export interface MilestoneSpec {
  id: string;
  shipmentId?: string | null;
  milestone: Milestone | string;
  occurredAt: string;
  location?: { name: string | null; country: string | null } | null;
}

/** The body of a compact `shipment.milestone` event. */
export function milestoneBody(spec: MilestoneSpec): string {
  const data: Record<string, unknown> = { milestone: spec.milestone, occurred_at: spec.occurredAt };
  if (spec.shipmentId !== null) data.shipment_id = spec.shipmentId ?? 'SHP-1';
  if (spec.location !== undefined) data.location = spec.location;
  const envelope: Envelope = { id: spec.id, type: 'shipment.milestone', created_at: spec.occurredAt, data };
  return JSON.stringify(envelope);
}

export interface TransitSpec {
  id: string;
  shipmentId?: string;
  occurredAt: string;
  estimatedDeparture?: string;
  estimatedArrival?: string;
  actualDeparture?: string;
  actualArrival?: string;
}

/** The body of a compact `shipment.eta_updated` event. */
export function transitBody(spec: TransitSpec): string {
  const data: Record<string, unknown> = { shipment_id: spec.shipmentId ?? 'SHP-1', occurred_at: spec.occurredAt };
  if (spec.estimatedDeparture) data.estimated_departure = spec.estimatedDeparture;
  if (spec.estimatedArrival) data.estimated_arrival = spec.estimatedArrival;
  if (spec.actualDeparture) data.actual_departure = spec.actualDeparture;
  if (spec.actualArrival) data.actual_arrival = spec.actualArrival;
  const envelope: Envelope = { id: spec.id, type: 'shipment.eta_updated', created_at: spec.occurredAt, data };
  return JSON.stringify(envelope);
}

export const milestoneJob = (spec: MilestoneSpec, receivedAt?: string) => jobDataFromBody(milestoneBody(spec), receivedAt);
export const transitJob = (spec: TransitSpec, receivedAt?: string) => jobDataFromBody(transitBody(spec), receivedAt);
