import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { Envelope, EventCategory, InvalidEventError, isPlainObject, normalizeEvent, NormalizedEvent } from '@app/flexport';
import type { DeadLetterReason, EventStatus } from '@app/database';
import type { EventJobData, QuarantineJobData } from '@app/queue';
import type { EventHandler } from './event-handler.js';
import { Completion, errorMessage, EventLogStore, EventRecord, eventRecord, PreparedClaims } from './event-log.store.js';
import { BatchingOptions, DEFAULT_BATCHING, GroupCommit, PIPELINE_BATCHING } from './group-commit.js';
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

/** An event job validated and normalised, waiting for a batch transaction. */
interface PendingEvent {
  input: EventInput;
  handler: EventHandler;
  context: RunContext;
  started: number;
  record: EventRecord;
  event: NormalizedEvent;
  /** null: an event of an unknown type, kept as `ignored`. */
  owner: EventHandler | null;
  resolve(outcome: ProcessOutcome): void;
  reject(error: unknown): void;
}

function outcomeOf(pending: PendingEvent): 'processed' | 'ignored' {
  return pending.owner ? 'processed' : 'ignored';
}

/** The same order of handlers in every batch of every process: by their first category. */
function byLockOrder(a: EventHandler, b: EventHandler): number {
  return a.categories[0] < b.categories[0] ? -1 : a.categories[0] > b.categories[0] ? 1 : 0;
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
 *
 * Queue jobs are group-committed (see GroupCommit): the valid events of many jobs, of every domain,
 * share one transaction that claims them, applies them and completes them with a few set-based
 * statements, so each event still commits exactly once with its state change. Within it the domains
 * apply in one fixed order, each locking the rows of its own tables in key order, so parallel
 * batches cannot deadlock (see EventHandler). If that transaction fails for any
 * reason, each of its events runs again alone through the one-event path, which decides retries and
 * dead letters for that event only. A lone event takes the one-event path directly.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger(EventPipeline.name);
  private readonly batching: BatchingOptions;
  private readonly batcher: GroupCommit<PendingEvent>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventLogStore,
    private readonly registry: HandlerRegistry,
    @Optional() @Inject(PIPELINE_OBSERVER) private readonly observer?: PipelineObserver,
    @Optional() @Inject(PIPELINE_BATCHING) batching?: Partial<BatchingOptions>,
  ) {
    this.batching = { ...DEFAULT_BATCHING, ...batching };
    this.batcher = new GroupCommit(this.batching, (batch) => this.runBatch(batch));
  }

  /** For queue processors. An invalid event is dead-lettered and the job failed with UnrecoverableError. */
  async process(job: Job<EventJobData>, handler: EventHandler): Promise<ProcessOutcome> {
    const { eventId, envelope, receivedAt } = job.data ?? {};
    if (typeof eventId !== 'string' || !isPlainObject(envelope) || typeof envelope.type !== 'string' || typeof receivedAt !== 'string') {
      throw new UnrecoverableError(`job ${job.id} is not an event job`);
    }
    const attempt = job.attemptsMade + 1;
    const outcome = await this.submit({ eventId, envelope, receivedAt }, handler, {
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

  /** Hands a valid event to the batcher; anything else takes the one-event path, which dead-letters or retries it. */
  private submit(input: EventInput, handler: EventHandler, context: RunContext): Promise<ProcessOutcome> {
    const started = performance.now();
    let event: NormalizedEvent;
    try {
      event = normalizeEvent(input.envelope, input.eventId, input.receivedAt);
    } catch {
      return this.run(input, handler, context, started);
    }
    // What eventRecord() would give, without classifying the envelope a second time.
    const { eventId, type, category, name, occurredAt, receivedAt } = event;
    const record: EventRecord = { eventId, type, category, name, occurredAt, receivedAt, payload: input.envelope };
    const owner = this.owner(event, handler);
    if (owner === undefined) return this.run(input, handler, context, started);
    return new Promise((resolve, reject) => {
      this.batcher.add({ input, handler, context, started, record, event, owner, resolve, reject });
    });
  }

  /** The handler that applies `event`: null for an unknown type, undefined when none is registered. */
  private owner(event: NormalizedEvent, handler: EventHandler | null): EventHandler | null | undefined {
    if (event.category === EventCategory.Unknown) return null;
    // A job queued under an older catalogue may reach another category's consumer: route it by today's.
    return handler?.categories.includes(event.category) ? handler : this.registry.resolve(event.category);
  }

  private async runBatch(batch: PendingEvent[]): Promise<void> {
    const alone = (pending: PendingEvent) =>
      this.run(pending.input, pending.handler, pending.context, pending.started).then(pending.resolve, pending.reject);
    if (batch.length === 1) return alone(batch[0]);
    let outcomes: ProcessOutcome[];
    const started = performance.now();
    try {
      const candidates = new Map<string, PendingEvent>();
      for (const pending of batch) if (!candidates.has(pending.event.eventId)) candidates.set(pending.event.eventId, pending);
      const claims = this.store.prepareClaims(
        [...candidates.values()].map((pending) => ({ event: pending.event, payload: pending.input.envelope, status: outcomeOf(pending) })),
      );
      outcomes = await this.dataSource.transaction((manager) => this.applyBatch(manager, batch, candidates, claims));
      this.logger.debug({ msg: 'batch committed', events: batch.length, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      this.logger.warn({
        msg: 'batch transaction failed; running its events one by one',
        events: batch.length,
        error: errorMessage(error),
      });
      await Promise.all(batch.map(alone));
      return;
    }
    batch.forEach((pending, index) => {
      this.report(pending.record, outcomes[index], pending.context, pending.started);
      pending.resolve(outcomes[index]);
    });
  }

  /**
   * One transaction for many events: claims them all (event-log rows locked in event-id order),
   * applies the runnable ones handler by handler in one fixed order (each handler locks its rows in
   * key order) and completes them. The same event twice in a batch (a redelivery) runs once:
   * `candidates` holds the first occurrence of each; the others are duplicates.
   */
  private async applyBatch(
    manager: EntityManager,
    batch: readonly PendingEvent[],
    candidates: ReadonlyMap<string, PendingEvent>,
    claims: PreparedClaims,
  ): Promise<ProcessOutcome[]> {
    const claimed = await this.store.claimMany(manager, claims);

    const runs = new Set<PendingEvent>();
    const byOwner = new Map<EventHandler, NormalizedEvent[]>();
    const completions: Completion[] = [];
    for (const pending of candidates.values()) {
      const claim = claimed.get(pending.event.eventId);
      if (!claim || !runnable(claim.status, false)) continue;
      runs.add(pending);
      if (pending.owner) {
        const events = byOwner.get(pending.owner);
        if (events) events.push(pending.event);
        else byOwner.set(pending.owner, [pending.event]);
      }
      // Rows claimMany inserted are already completed.
      if (!claim.inserted) completions.push({ event: pending.event, status: outcomeOf(pending), claimed: claim });
    }
    for (const owner of [...byOwner.keys()].sort(byLockOrder)) {
      const events = byOwner.get(owner) as NormalizedEvent[];
      if (owner.applyBatch) await owner.applyBatch(manager, events);
      else for (const event of events) await owner.apply(manager, event);
    }
    await this.store.completeMany(manager, completions);
    return batch.map((pending) => (runs.has(pending) ? outcomeOf(pending) : 'duplicate'));
  }

  private async run(
    input: EventInput,
    handler: EventHandler | null,
    context: RunContext,
    started = performance.now(),
  ): Promise<ProcessOutcome> {
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
      outcome = await this.dataSource.transaction((manager) => this.bury(manager, record, 'invalid_event', error, context));
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
    const owner = this.owner(event, handler);
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
