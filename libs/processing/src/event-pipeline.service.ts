import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventCategory, eventShipmentId, isPlainObject, normalizeEvent, NormalizedEvent } from '@app/flexport';
import type { EventJobData, QuarantineJobData } from '@app/queue';
import { annotateSpan, captureTraceParent } from '@app/tracing';
import { BatchRunner } from './batch.runner.js';
import type { EventHandler } from './event-handler.js';
import { EventLogStore } from './event-log.store.js';
import type { EventStatus } from './event-log.entity.js';
import { type EventRecord, eventRecord } from './event-record.js';
import { EventReplayQueries } from './event-replay.queries.js';
import { EventInput, EventNotFoundError, NoHandlerError, RunContext } from './event-run.js';
import { HandlerRegistry } from './handler-registry.js';
import type { ProcessOutcome } from './process-outcome.js';
import { SingleEventRunner } from './single-event.runner.js';

/**
 * The one way into processing, for queue jobs and replays alike: a valid event joins a batch
 * transaction (BatchRunner); anything else, and every replay, takes the one-event path
 * (SingleEventRunner), which dead-letters or retries it. Either way each event changes state at
 * most once, together with its event-log row.
 */
@Injectable()
export class EventPipeline {
  private readonly logger = new Logger(EventPipeline.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventLogStore,
    private readonly replays: EventReplayQueries,
    private readonly registry: HandlerRegistry,
    private readonly single: SingleEventRunner,
    private readonly batches: BatchRunner,
  ) {}

  /** For queue processors. An invalid event is dead-lettered and the job failed with UnrecoverableError. */
  async process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    const { eventId, envelope, receivedAt, source } = job.data ?? {};
    if (typeof eventId !== 'string' || !isPlainObject(envelope) || typeof envelope.type !== 'string' || typeof receivedAt !== 'string') {
      throw new UnrecoverableError(`job ${job.id} is not an event job`);
    }
    const attempt = job.attemptsMade + 1;
    annotateSpan({ 'flexport.event.id': eventId });
    const outcome = await this.submit(
      { eventId, envelope, receivedAt, source: source === 'reconcile' ? source : 'webhook' },
      { attempt, finalAttempt: attempt >= (job.opts.attempts ?? 1), replay: false, trace: captureTraceParent() },
    );
    if (outcome === 'dead') throw new UnrecoverableError(`event ${eventId} is dead-lettered: it can never apply`);
    return outcome;
  }

  /**
   * Re-runs a stored event (event_log.payload) through the same path, now, in this process.
   * The state rules make it a no-op unless the event had not been applied (dead, ignored, failed).
   * No retry follows, so a transient failure dead-letters the event and is rethrown.
   */
  async reprocess(eventId: string): Promise<ProcessOutcome> {
    const stored = await this.replays.load(this.dataSource.manager, eventId);
    if (!stored) throw new EventNotFoundError(eventId);
    // Only a processed event's payload is ever cleared, and running it again would change nothing.
    if (stored.envelope === null) return 'duplicate';
    const { category } = eventRecord(stored.eventId, stored.envelope, stored.receivedAt);
    if (category !== EventCategory.Unknown && !this.registry.resolve(category)) {
      // Without its domain module this process cannot apply the event: say so, and leave it as it is.
      throw new NoHandlerError(category);
    }
    if (stored.status !== 'processed') await this.store.countReplay(this.dataSource.manager, eventId);
    return this.single.run({ ...stored, envelope: stored.envelope }, { attempt: 1, finalAttempt: true, replay: true });
  }

  /**
   * Prepares a replay through the queues (for an API process that consumes none): a dead, ignored or
   * failed event is set back to `queued` and its job data returned, to be added with a fresh jobId to
   * `CATEGORY_QUEUES[data.category]`. A processed event stays processed; its job is a no-op, and
   * `data` is null when payload retention has cleared its payload (there is nothing to run).
   */
  async prepareReplay(eventId: string): Promise<{ data: EventJobData | null; previousStatus: EventStatus } | null> {
    const stored = await this.dataSource.transaction((manager) => this.store.markForReplay(manager, eventId));
    if (!stored) return null;
    if (stored.envelope === null) return { data: null, previousStatus: stored.status };
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

  /** Hands a valid event to the batch runner; anything else takes the one-event path, which dead-letters or retries it. */
  private submit(input: EventInput, context: RunContext): Promise<ProcessOutcome> {
    const started = performance.now();
    let event: NormalizedEvent;
    try {
      event = normalizeEvent(input.envelope, input.eventId, input.receivedAt);
    } catch {
      return this.single.run(input, context, started);
    }
    // What eventRecord() would give, without classifying the envelope a second time.
    const { eventId, type, category, name, occurredAt, receivedAt } = event;
    const record: EventRecord = {
      eventId,
      type,
      category,
      name,
      occurredAt,
      receivedAt,
      shipmentId: eventShipmentId(input.envelope),
      payload: input.envelope,
      source: input.source ?? 'webhook',
    };
    const owner: EventHandler | null | undefined = category === EventCategory.Unknown ? null : this.registry.resolve(category);
    if (owner === undefined) return this.single.run(input, context, started);
    return new Promise((resolve, reject) => this.batches.add({ input, context, started, record, event, owner, resolve, reject }));
  }
}
