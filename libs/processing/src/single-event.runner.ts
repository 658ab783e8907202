import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { EventCategory, normalizeEvent } from '@app/flexport';
import type { DeadLetterReason } from './dead-letter.entity.js';
import { EventLogStore } from './event-log.store.js';
import { errorMessage, EventRecord, eventRecord } from './event-record.js';
import { EventInput, isPermanent, NoHandlerError, RunContext, runnable } from './event-run.js';
import { HandlerRegistry } from './handler-registry.js';
import type { EventRunReport } from './pipeline-observer.js';
import type { ProcessOutcome } from './process-outcome.js';
import { RunReporter } from './run-reporter.js';

/**
 * The one-event path: in ONE transaction, claim the event-log row, apply the handler of the event's
 * category and mark the event processed (or `ignored` for an unknown type). An invalid event is
 * dead-lettered at once; any other error is transient: recorded and rethrown for BullMQ to retry,
 * and dead-lettered on the last attempt.
 */
@Injectable()
export class SingleEventRunner {
  private readonly logger = new Logger('EventPipeline');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventLogStore,
    private readonly registry: HandlerRegistry,
    private readonly reporter: RunReporter,
  ) {}

  async run(input: EventInput, context: RunContext, started = performance.now()): Promise<ProcessOutcome> {
    const record = eventRecord(input.eventId, input.envelope, input.receivedAt, input.source);
    let outcome: ProcessOutcome;
    try {
      outcome = await this.dataSource.transaction((manager) => this.applyOnce(manager, record, input, context));
    } catch (error) {
      if (!isPermanent(error)) {
        const recorded = await this.recordTransientFailure(record, error, context);
        this.reporter.report(record, recorded, context, started, error);
        throw error;
      }
      outcome = await this.dataSource.transaction((manager) => this.bury(manager, record, 'invalid_event', error, context));
      this.reporter.report(record, outcome, context, started, error);
      return outcome;
    }
    this.reporter.report(record, outcome, context, started);
    return outcome;
  }

  private async applyOnce(manager: EntityManager, record: EventRecord, input: EventInput, context: RunContext): Promise<ProcessOutcome> {
    const claimed = await this.store.claim(manager, record);
    if (!runnable(claimed.status, context.replay)) return 'duplicate';
    const event = normalizeEvent(input.envelope, input.eventId, input.receivedAt);
    if (event.category === EventCategory.Unknown) {
      await this.store.complete(manager, event, 'ignored', claimed);
      return 'ignored';
    }
    const handler = this.registry.resolve(event.category);
    if (!handler) throw new NoHandlerError(event.category);
    await handler.apply(manager, event);
    await this.store.complete(manager, event, 'processed', claimed);
    return 'processed';
  }

  private async bury(
    manager: EntityManager,
    record: EventRecord,
    reason: DeadLetterReason,
    error: unknown,
    context: RunContext,
  ): Promise<ProcessOutcome> {
    const claimed = await this.store.claim(manager, record);
    if (!runnable(claimed.status, context.replay)) return 'duplicate';
    await this.store.deadLetter(manager, record, reason, error);
    return 'dead';
  }

  /** Best effort: when the database is what failed, this fails too, and BullMQ still holds the job. */
  private async recordTransientFailure(record: EventRecord, error: unknown, context: RunContext): Promise<EventRunReport['outcome']> {
    try {
      if (context.finalAttempt) {
        return await this.dataSource.transaction((manager) => this.bury(manager, record, 'retries_exhausted', error, context));
      }
      await this.store.recordFailure(this.dataSource.manager, record, error);
    } catch (recordError) {
      this.logger.error({ msg: 'could not record event failure', eventId: record.eventId, error: errorMessage(recordError) });
    }
    return 'failed';
  }
}
