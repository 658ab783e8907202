import type { SimEvent } from './events.js';
import { Random } from './random.js';

export interface Delivery {
  event: SimEvent;
  /** True for a second (third, …) delivery of the same bytes, as Flexport's retries produce. */
  redelivery: boolean;
}

export interface DeliveryPlanOptions {
  seed: number;
  shuffle: boolean;
  /** Extra deliveries per event: 0.1 sends round(0.1 · n) events twice (picked at random). */
  duplicates: number;
}

const MAX_REDELIVERY_DELAY_MS = 2 * 60 * 60_000;

/**
 * The order the events go out in. Without shuffling it is Flexport's: by `created_at`, so a lagging
 * created_at already delivers some events after later ones; a redelivery follows its original
 * within two hours. With shuffling, any order at all.
 */
export function planDeliveries(events: readonly SimEvent[], options: DeliveryPlanOptions): Delivery[] {
  if (!(options.duplicates >= 0)) throw new RangeError('duplicates must be a ratio >= 0');
  const rng = new Random(options.seed, 0xde1);
  const timed = events.map((event) => ({ event, redelivery: false, at: Date.parse(event.createdAt) }));
  const extra = Math.round(options.duplicates * events.length);
  for (let i = 0; i < extra && events.length > 0; i++) {
    const event = rng.pick(events);
    timed.push({ event, redelivery: true, at: Date.parse(event.createdAt) + rng.int(1, MAX_REDELIVERY_DELAY_MS) });
  }
  if (options.shuffle) rng.shuffle(timed);
  else timed.sort((a, b) => a.at - b.at || Number(a.redelivery) - Number(b.redelivery));
  return timed.map(({ event, redelivery }) => ({ event, redelivery }));
}
