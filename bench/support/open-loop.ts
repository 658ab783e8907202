import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { SignedEvent } from '../../test/support/signed-events.js';
import { WEBHOOK_PATH } from './load.js';

export interface Delivery {
  event: SignedEvent;
  /** performance.now() when the request was sent and when its 200 arrived (NaN if none did). */
  sentAt: number;
  answeredAt: number;
  status: number;
}

/**
 * Open loop: sends `events` at a steady `rate` per second whatever the answers, as Flexport would, so
 * a slow answer delays no later request (unlike a closed loop's connections, which wait). Each
 * request's `200` time is recorded for the freshness figures.
 */
export async function sendOpenLoop(
  url: string,
  events: readonly SignedEvent[],
  rate: number,
  onAnswered?: (delivery: Delivery) => void,
): Promise<Delivery[]> {
  const target = new URL(WEBHOOK_PATH, url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const deliveries: Delivery[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const interval = 1000 / rate;
  try {
    for (let index = 0; index < events.length; index++) {
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const event = events[index];
      const delivery: Delivery = { event, sentAt: performance.now(), answeredAt: NaN, status: 0 };
      deliveries.push(delivery);
      pending.push(
        new Promise<void>((resolve) => {
          const req = request(
            target,
            { method: 'POST', agent, headers: { ...event.headers, 'content-length': String(event.body.length) } },
            (res) => {
              res.resume();
              res.on('end', () => {
                delivery.status = res.statusCode ?? 0;
                if (delivery.status === 200) delivery.answeredAt = performance.now();
                onAnswered?.(delivery);
                resolve();
              });
            },
          );
          req.on('error', () => resolve());
          req.end(event.body);
        }),
      );
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return deliveries;
}
