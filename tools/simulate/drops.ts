import type { SimEvent } from './events.js';
import { Random } from './random.js';

/**
 * The events Flexport "failed to deliver": `round(ratio · events)` of them, picked by the seed. None
 * of their deliveries (redeliveries included) is sent; only the Events API lists them.
 */
export function pickDropped(events: readonly SimEvent[], ratio: number, seed: number): Set<string> {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError('drop must be a ratio from 0 to 1');
  const ids = new Random(seed, 0xd809).shuffle(events.map((event) => event.eventId));
  return new Set(ids.slice(0, Math.round(ratio * events.length)));
}

/** An `occurred_at` window holding every event, a second wider on each side. */
export function occurredWindow(events: readonly SimEvent[]): { from: string; to: string } {
  const times = events.map((event) => Date.parse(event.occurredAt));
  return {
    from: new Date(Math.min(...times) - 1000).toISOString(),
    to: new Date(Math.max(...times) + 1000).toISOString(),
  };
}
