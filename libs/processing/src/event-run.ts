import { UnrecoverableError } from 'bullmq';
import { EventCategory, InvalidEventError, type Envelope } from '@app/flexport';
import type { EventSource } from '@app/queue';
import type { EventStatus } from './event-log.entity.js';

/** One event to run: as the intake queued it, or as the event log stored it. */
export interface EventInput {
  eventId: string;
  envelope: Envelope;
  receivedAt: string;
  /** Written with the event's log row; absent: webhook. */
  source?: EventSource;
}

export interface RunContext {
  attempt: number;
  /** No retry follows: a transient failure is dead-lettered. */
  finalAttempt: boolean;
  /** A replay also re-runs events the log holds as dead or ignored. */
  replay: boolean;
}

export class EventNotFoundError extends Error {
  override name = 'EventNotFoundError';

  constructor(readonly eventId: string) {
    super(`event ${eventId} is not in the event log`);
  }
}

export class NoHandlerError extends Error {
  override name = 'NoHandlerError';

  constructor(readonly category: EventCategory) {
    super(`no EventHandler for event category ${category} in this process`);
  }
}

/** An error that no retry can cure: the event is dead-lettered at once. */
export function isPermanent(error: unknown): boolean {
  return error instanceof InvalidEventError || error instanceof UnrecoverableError || (error as Error)?.name === 'UnrecoverableError';
}

/** Whether a run may apply an event the log holds with `status`: each event changes state at most once. */
export function runnable(status: EventStatus, replay: boolean): boolean {
  if (status === 'queued' || status === 'failed') return true;
  return replay && (status === 'dead' || status === 'ignored');
}
