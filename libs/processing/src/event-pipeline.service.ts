import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { Envelope, EventCategory, InvalidEventError, isPlainObject, normalizeEvent } from '@app/flexport';
import type { DeadLetterReason, EventStatus } from '@app/database';
import type { EventJobData, QuarantineJobData } from '@app/queue';
import type { EventHandler } from './event-handler.js';
import { errorMessage, EventLogStore, EventRecord, eventRecord } from './event-log.store.js';
import { HandlerRegistry } from './handler-registry.js';
import { EventRunReport, PIPELINE_OBSERVER } from './pipeline-observer.js';
import type { PipelineObserver } from './pipeline-observer.js';
import type { ProcessOutcome } from './process-outcome.js';

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

interface EventInput {
  eventId: string;
  envelope: Envelope;
  receivedAt: string;
}

interface RunContext {
  attempt: number;
  /** No retry follows: a transient failure is dead-lettered. */
  finalAttempt: boolean;
  /** A replay also re-runs events the log holds as dead or ignored. */
  replay: boolean;
}

/** An error that no retry can cure: the event is dead-lettered at once. */
function isPermanent(error: unknown): boolean {
  return error instanceof InvalidEventError || error instanceof UnrecoverableError || (error as Error)?.name === 'UnrecoverableError';
}

/** Whether a run may apply an event the log holds with `status`: each event changes state at most once. */
function runnable(status: EventStatus, replay: boolean): boolean {
  if (status === 'queued' || status === 'failed') return true;
  return replay && (status === 'dead' || status === 'ignored');
}

/**
 * The one path every event takes, from a queue job or a replay: normalise, then in ONE transaction
 * claim the event-log row, apply the domain handler and mark the event processed. Invalid events are
 * dead-lettered at once; any other error is transient: recorded, rethrown for BullMQ to retry, and
 * dead-lettered on the last attempt.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger(EventPipeline.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventLogStore,
    private readonly registry: HandlerRegistry,
    @Optional() @Inject(PIPELINE_OBSERVER) private readonly observer?: PipelineObserver,
  ) {}

  /** For queue processors. An invalid event is dead-lettered and the job failed with UnrecoverableError. */
  async process(job: Job<EventJobData>, handler: EventHandler): Promise<ProcessOutcome> {
    const { eventId, envelope, receivedAt } = job.data ?? {};
    if (typeof eventId !== 'string' || !isPlainObject(envelope) || typeof envelope.type !== 'string' || typeof receivedAt !== 'string') {
      throw new UnrecoverableError(`job ${job.id} is not an event job`);
    }
    const attempt = job.attemptsMade + 1;
    const outcome = await this.run({ eventId, envelope, receivedAt }, handler, {
      attempt,
      finalAttempt: attempt >= (job.opts.attempts ?? 1),
      replay: false,
    });
    if (outcome === 'dead') throw new UnrecoverableError(`event ${eventId} is dead-lettered: it can never apply`);
    return outcome;
  }

  /**
   * Re-runs a stored event (event_log.payload) through the same path, now, in this process.
   * The state rules make it a no-op unless the event had not been applied (dead, ignored, failed).
   * No retry follows, so a transient failure dead-letters the event and is rethrown.
   */
  async reprocess(eventId: string): Promise<ProcessOutcome> {
    const stored = await this.store.load(this.dataSource.manager, eventId);
    if (!stored) throw new EventNotFoundError(eventId);
    const { category } = eventRecord(stored.eventId, stored.envelope, stored.receivedAt);
    if (category !== EventCategory.Unknown && !this.registry.resolve(category)) {
      // Without its domain module this process cannot apply the event: say so, and leave it as it is.
      throw new NoHandlerError(category);
    }
    if (stored.status !== 'processed') await this.store.countReplay(this.dataSource.manager, eventId);
    return this.run(stored, null, { attempt: 1, finalAttempt: true, replay: true });
  }

  /**
   * Prepares a replay through the queues (for an API process that consumes none): a dead, ignored or
   * failed event is set back to `queued` and its job data returned, to be added with a fresh jobId to
   * `CATEGORY_QUEUES[data.category]`. A processed event stays processed; its job is a no-op.
   */
  async prepareReplay(eventId: string): Promise<{ data: EventJobData; previousStatus: EventStatus } | null> {
    const stored = await this.dataSource.transaction((manager) => this.store.markForReplay(manager, eventId));
    if (!stored) return null;
    const record = eventRecord(stored.eventId, stored.envelope, stored.receivedAt);
    return {
      data: {
        eventId: record.eventId,
        type: record.type,
        category: record.category,
        name: record.name as EventJobData['name'],
        receivedAt: stored.receivedAt,
        envelope: stored.envelope,
      },
      previousStatus: stored.status,
    };
  }

  /** Keeps a signed body that is not an event as a dead letter (reason `quarantined`); once per distinct body. */
  async quarantine(data: QuarantineJobData): Promise<'quarantined' | 'duplicate'> {
    const stored = await this.store.quarantine(this.dataSource.manager, data);
    const outcome = stored ? 'quarantined' : 'duplicate';
    this.logger.warn({ msg: `body ${outcome}`, bodySha256: data.bodySha256, reason: data.reason, receivedAt: data.receivedAt });
    return outcome;
  }

  private async run(input: EventInput, handler: EventHandler | null, context: RunContext): Promise<ProcessOutcome> {
    const started = performance.now();
    const record = eventRecord(input.eventId, input.envelope, input.receivedAt);
    let outcome: ProcessOutcome;
    try {
      outcome = await this.dataSource.transaction((manager) => this.applyOnce(manager, record, input, handler, context));
    } catch (error) {
      if (!isPermanent(error)) {
        const recorded = await this.recordTransientFailure(record, error, context);
        this.report(record, recorded, context, started, error);
        throw error;
      }
      outcome = await this.dataSource.transaction((manager) =>
        this.bury(manager, record, 'invalid_event', error, context),
      );
      this.report(record, outcome, context, started, error);
      return outcome;
    }
    this.report(record, outcome, context, started);
    return outcome;
  }

  private async applyOnce(
    manager: EntityManager,
    record: EventRecord,
    input: EventInput,
    handler: EventHandler | null,
    context: RunContext,
  ): Promise<ProcessOutcome> {
    const claimed = await this.store.claim(manager, record);
    if (!runnable(claimed.status, context.replay)) return 'duplicate';
    const event = normalizeEvent(input.envelope, input.eventId, input.receivedAt);
    if (event.category === EventCategory.Unknown) {
      await this.store.complete(manager, event, 'ignored', claimed);
      return 'ignored';
    }
    // A job queued under an older catalogue may reach another category's consumer: route it by today's.
    const owner = handler?.categories.includes(event.category) ? handler : this.registry.resolve(event.category);
    if (!owner) throw new NoHandlerError(event.category);
    await owner.apply(manager, event);
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
  private async recordTransientFailure(
    record: EventRecord,
    error: unknown,
    context: RunContext,
  ): Promise<EventRunReport['outcome']> {
    try {
      if (context.finalAttempt) {
        return await this.dataSource.transaction((manager) =>
          this.bury(manager, record, 'retries_exhausted', error, context),
        );
      }
      await this.store.recordFailure(this.dataSource.manager, record, error);
    } catch (recordError) {
      this.logger.error({ msg: 'could not record event failure', eventId: record.eventId, error: errorMessage(recordError) });
    }
    return 'failed';
  }

  private report(record: EventRecord, outcome: EventRunReport['outcome'], context: RunContext, started: number, error?: unknown) {
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
