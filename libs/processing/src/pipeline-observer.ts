import type { EventCategory } from '@app/flexport';
import type { ProcessOutcome } from './process-outcome.js';

export interface EventRunReport {
  eventId: string;
  type: string;
  category: EventCategory;
  name: string | null;
  /** `failed`: a transient failure, retried (or dead-lettered when `finalAttempt`). */
  outcome: ProcessOutcome | 'failed';
  attempt: number;
  finalAttempt: boolean;
  replay: boolean;
  /** Time spent in the pipeline for this run. */
  durationMs: number;
  receivedAt: string;
  error?: string;
}

/**
 * Optional hook for metrics: provide PIPELINE_OBSERVER (e.g. from a global metrics module) and the
 * pipeline reports every run to it. It must not throw and must not block.
 */
export interface PipelineObserver {
  onRun(report: EventRunReport): void;
  /** Payload retention cleared this many payloads. */
  onPayloadsCleared?(count: number): void;
}

export const PIPELINE_OBSERVER = Symbol('PIPELINE_OBSERVER');
