import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { NormalizedEvent } from '@app/flexport';

/**
 * A domain module's state rules for the categories it declares with @HandlesEvents. `apply` runs
 * inside the transaction that also records the event in the event log, so the state change commits
 * exactly once. It must give the same final state whatever order events arrive in (see
 * @app/versions), lock what it reads-then-writes (concurrent workers), and throw InvalidEventError
 * for events that can never apply; any other error is treated as transient and retried.
 * The tables it writes are its own (its `projections`, and a listener's rows it writes under its
 * locks): batch transactions run several handlers one after another, and a table written by two
 * handlers would break the lock order that keeps them free of deadlocks.
 */
export interface EventHandler {
  /** The tables derived from the event log that this handler keeps: what a rebuild empties and recomputes. */
  readonly projections: readonly EntityTarget<ObjectLiteral>[];
  apply(manager: EntityManager, event: NormalizedEvent): Promise<void>;
  /**
   * Optional set-based `apply` for many events at once (distinct events of this handler's categories,
   * in arrival order), in the batch transaction of the event pipeline: the result must be that of
   * `apply` on each in turn. Lock rows in one pass in ascending key order (JavaScript string order),
   * so parallel batches cannot deadlock. Throwing rolls the whole batch back; its events are then run
   * one by one through `apply`. Without it the pipeline calls `apply` for each event.
   */
  applyBatch?(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void>;
}
