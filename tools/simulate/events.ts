import type { EnvelopeFormat } from '@app/flexport';
import { compactEnvelope } from './compact-envelope.js';
import type { Journey, JourneyStep } from './journey.js';
import { v2Envelope } from './v2-envelope.js';
import { StepKind, wireTypeFor } from './wire-types.js';

/** One event ready to send: the exact bytes, and the step it plays (its `kind` is the canonical name it must get). */
export interface SimEvent {
  eventId: string;
  journey: number;
  kind: StepKind;
  format: EnvelopeFormat;
  type: string;
  occurredAt: string;
  createdAt: string;
  body: Buffer;
}

export function renderStep(step: JourneyStep): SimEvent {
  const envelope = step.format === 'v2' ? v2Envelope(step) : compactEnvelope(step);
  return {
    eventId: step.eventId,
    journey: step.journey,
    kind: step.kind,
    format: step.format,
    type: wireTypeFor(step),
    occurredAt: step.occurredAt,
    createdAt: step.createdAt,
    body: Buffer.from(JSON.stringify(envelope)),
  };
}

export function renderJourneys(journeys: readonly Journey[]): SimEvent[] {
  return journeys.flatMap((journey) => journey.steps.map(renderStep));
}
