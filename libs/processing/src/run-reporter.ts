import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { errorMessage, EventRecord } from './event-record.js';
import type { RunContext } from './event-run.js';
import { EventRunReport, PIPELINE_OBSERVER } from './pipeline-observer.js';
import type { PipelineObserver } from './pipeline-observer.js';

/** The one log line of each event run (with its eventId), and the report to the observer (metrics). */
@Injectable()
export class RunReporter {
  private readonly logger = new Logger('EventPipeline');

  constructor(@Optional() @Inject(PIPELINE_OBSERVER) private readonly observer?: PipelineObserver) {}

  report(record: EventRecord, outcome: EventRunReport['outcome'], context: RunContext, started: number, error?: unknown): void {
    const report: EventRunReport = {
      eventId: record.eventId,
      type: record.type,
      category: record.category,
      name: record.name,
      outcome,
      attempt: context.attempt,
      finalAttempt: context.finalAttempt,
      replay: context.replay,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      receivedAt: record.receivedAt,
      ...(error === undefined ? {} : { error: errorMessage(error) }),
    };
    const line = { msg: `event ${report.outcome}`, ...report };
    if (report.outcome === 'dead') this.logger.error(line);
    else if (report.outcome === 'failed') this.logger.warn(line);
    else this.logger.log(line);
    try {
      this.observer?.onRun(report);
    } catch {
      // an observer must never decide an event's fate
    }
  }
}
