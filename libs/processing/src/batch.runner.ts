import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import type { NormalizedEvent } from '@app/flexport';
import { inSpan, TraceParent } from '@app/tracing';
import type { EventHandler } from './event-handler.js';
import { Completion, EventLogStore, PreparedClaims } from './event-log.store.js';
import { errorMessage, EventRecord } from './event-record.js';
import { EventInput, RunContext, runnable } from './event-run.js';
import { handledCategories } from './handles-events.decorator.js';
import { BatchingOptions, DEFAULT_BATCHING, GroupCommit, PIPELINE_BATCHING } from './group-commit.js';
import type { ProcessOutcome } from './process-outcome.js';
import { RunReporter } from './run-reporter.js';
import { SingleEventRunner } from './single-event.runner.js';

/** A valid, normalised event job waiting for a batch transaction. */
export interface PendingEvent {
  input: EventInput;
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

/** The same order of handlers in every batch of every process (by their first category), so parallel batches lock tables in one order. */
function byLockOrder(a: EventHandler, b: EventHandler): number {
  const first = (handler: EventHandler) => handledCategories(handler)[0] ?? '';
  return first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0;
}

/** A batch's span: in the first job's trace, linked to the others'. */
function batchSpan(batch: readonly PendingEvent[]): { parent?: TraceParent; links: TraceParent[]; attributes: Record<string, number> } {
  const attributes = { 'flexport.batch.events': batch.length };
  if (batch[0]?.context.trace === undefined) return { links: [], attributes };
  const traces = batch.map((pending) => pending.context.trace).filter((trace) => trace !== undefined);
  return { parent: traces[0], links: traces.slice(1), attributes };
}

/**
 * The batch path: the valid events of many jobs, of every domain, share one transaction that claims
 * them, applies them and completes them with a few set-based statements, so each event still commits
 * exactly once with its state change. Handlers apply in one fixed order, each locking the rows of its
 * own tables in key order, so parallel batches cannot deadlock. If the transaction fails for any
 * reason, each of its events runs again alone through the one-event path, which decides retries and
 * dead letters for that event only. A lone event takes the one-event path directly.
 */
@Injectable()
export class BatchRunner {
  private readonly logger = new Logger('EventPipeline');
  private readonly batcher: GroupCommit<PendingEvent>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventLogStore,
    private readonly single: SingleEventRunner,
    private readonly reporter: RunReporter,
    @Optional() @Inject(PIPELINE_BATCHING) batching?: Partial<BatchingOptions>,
  ) {
    this.batcher = new GroupCommit({ ...DEFAULT_BATCHING, ...batching }, (batch) => this.runBatch(batch));
  }

  add(pending: PendingEvent): void {
    this.batcher.add(pending);
  }

  private async runBatch(batch: PendingEvent[]): Promise<void> {
    const alone = (pending: PendingEvent) =>
      this.single.run(pending.input, pending.context, pending.started).then(pending.resolve, pending.reject);
    if (batch.length === 1) return alone(batch[0]);
    let outcomes: ProcessOutcome[];
    const started = performance.now();
    try {
      const candidates = new Map<string, PendingEvent>();
      for (const pending of batch) if (!candidates.has(pending.event.eventId)) candidates.set(pending.event.eventId, pending);
      const claims = this.store.prepareClaims(
        [...candidates.values()].map((pending) => ({ record: pending.record, status: outcomeOf(pending) })),
      );
      outcomes = await inSpan('event batch transaction', batchSpan(batch), () =>
        this.dataSource.transaction((manager) => this.applyBatch(manager, batch, candidates, claims)),
      );
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
      this.reporter.report(pending.record, outcomes[index], pending.context, pending.started);
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
}
