/** How the event pipeline groups the jobs of one process into batch transactions. */
export interface BatchingOptions {
  /** Most events in one batch transaction; 1 turns batching off (every event in its own transaction). */
  maxBatchSize: number;
  /** Batch transactions run at once. */
  maxParallelBatches: number;
  /**
   * While a batch runs, another starts only once this many items wait (default 1): at a trickle the
   * arrivals then gather behind the running batch into one transaction instead of one each.
   */
  minParallelBatchSize?: number;
}

/**
 * 200 events keep a batch transaction in the tens of milliseconds (BullMQ's job lock lasts 30 s).
 * One batcher serves every domain: at a trickle its batches gather the events of all seven, and
 * under a backlog four transactions let some wait on the network while others run (within the
 * pool of 20); more only add lock waits on the rows they share.
 */
export const DEFAULT_BATCHING: BatchingOptions = { maxBatchSize: 200, maxParallelBatches: 4, minParallelBatchSize: 32 };

/** Optional provider of Partial<BatchingOptions> for the event pipeline (tests, tuning). */
export const PIPELINE_BATCHING = Symbol('PIPELINE_BATCHING');

/**
 * Group commit: a batch starts as soon as fewer than `maxParallelBatches` are running and takes
 * everything that has arrived meanwhile (up to `maxBatchSize`). At low load an item waits for
 * nothing; under load items pile up behind the running batches and the next batch takes them all.
 * Items added in the same turn of the event loop go in the same batch. A second batch beside a
 * running one waits for `minParallelBatchSize` items, so a trickle does not cost a commit per item.
 */
export class GroupCommit<T> {
  private readonly waiting: T[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly options: BatchingOptions,
    /** Must settle every item of the batch itself; its own rejection is ignored. */
    private readonly runBatch: (batch: T[]) => Promise<void>,
  ) {}

  add(item: T): void {
    this.waiting.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    // A full batch always qualifies, so a small maxBatchSize cannot turn parallel batches off.
    const minParallel = Math.min(this.options.minParallelBatchSize ?? 1, this.options.maxBatchSize);
    while (
      this.running < this.options.maxParallelBatches &&
      this.waiting.length > 0 &&
      (this.running === 0 || this.waiting.length >= minParallel)
    ) {
      const batch = this.waiting.splice(0, this.options.maxBatchSize);
      this.running++;
      void this.runBatch(batch)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.start();
        });
    }
  }
}
