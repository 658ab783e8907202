import { setTimeout as sleep } from 'node:timers/promises';

export interface PoolOptions {
  /** Most tasks in flight at once. */
  concurrency: number;
  /** Most task starts per second; 0 means as fast as the concurrency allows. */
  rate: number;
}

/** Runs `work` over every item with bounded concurrency and a steady start rate (no bursts after a pause). */
export async function forEachPaced<T>(
  items: readonly T[],
  options: PoolOptions,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
  if (!(options.rate >= 0)) throw new RangeError('rate must be >= 0');
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  let nextSlot = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      if (interval > 0) {
        const now = performance.now();
        const slot = Math.max(now, nextSlot);
        nextSlot = slot + interval;
        if (slot > now) await sleep(slot - now);
      }
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
}
