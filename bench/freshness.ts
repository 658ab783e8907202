import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { isNotifiedMilestone } from '@app/notifications';
import { createScratchDatabase, ScratchDatabase } from '../test/support/scratch-database.js';
import { buildEvents } from '../test/support/signed-events.js';
import type { Child, Program } from '../test/support/processes.js';
import { sleep } from '../test/support/processes.js';
import { latencySummary } from './support/load.js';
import { Delivery, sendOpenLoop } from './support/open-loop.js';
import { BENCH_SECRET, serviceEnv } from './support/settings.js';

export interface FreshnessSettings {
  redisUrl: string;
  adminUrl: string;
  /** Events per second, sent open loop. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** How often the read API is polled for the events not yet visible. */
  pollIntervalMs: number;
}

export interface FreshnessFigures {
  rate: number;
  seconds: number;
  pollIntervalMs: number;
  /** Measured events sent, and those answered 200. */
  sent: number;
  answered: number;
  /** From the webhook's 200 to the event's state visible through the read API (processed or ignored). */
  state: { p50: number; p99: number; max: number; count: number; missing: number };
  /** Events seen committed that GET /events/:id was asked about right after: how many it answered processed. */
  confirmed: { sampled: number; agreed: number };
  /** From the webhook's 200 to its milestone notification arriving at the local sink. */
  notification: { p50: number; p99: number; max: number; count: number; missing: number };
}

export interface PhaseContext {
  log(message: string): void;
  start(program: Program, env: Record<string, string>, label: string, profile?: boolean): Promise<Child>;
  stop(child: Child): Promise<void>;
  prefix(label: string): string;
  track(database: ScratchDatabase): void;
}

export const FRESHNESS_TARGETS = { stateP99Ms: 200, notificationP99Ms: 500 } as const;

/** One event in this many is confirmed through the read API as soon as it is seen. */
const CONFIRM_EVERY = 25;

/** A local stakeholder endpoint: records when each (shipment, milestone) notification arrives. */
async function startSink(): Promise<{ url: string; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { shipmentId: string; milestone: string };
        const key = `${body.shipmentId}|${body.milestone}`;
        if (!arrivals.has(key)) arrivals.set(key, at);
      } catch {
        // not ours to judge: answer 200 anyway
      }
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Watches the events in flight until their state is visible. The read API serves Postgres as committed
 * (no cache), and an event's event-log row commits with its state change, so the poller asks Postgres
 * for the rows of the events in flight by primary key every `intervalMs` (one cheap query whatever
 * the backlog, where polling the API itself would load the process it measures), and confirms a
 * sample through the read API (`GET /events/:id` answering it processed, right after it was seen).
 * The time recorded is the poll's answer: an upper bound, within one interval.
 */
class VisibilityPoller {
  readonly visibleAt = new Map<string, number>();
  private readonly confirmed = { sampled: 0, agreed: 0 };
  private readonly confirming = new Set<Promise<void>>();
  private readonly pending = new Map<string, Delivery>();
  private readonly pool: pg.Pool;
  private running = true;
  private loop?: Promise<void>;
  private seen = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly apiToken: string,
    databaseUrl: string,
    private readonly intervalMs: number,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  }

  watch(delivery: Delivery): void {
    this.pending.set(delivery.event.eventId, delivery);
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.pool.end();
  }

  /** The read API's answers so far, once those still in flight have arrived. */
  async confirmations(): Promise<{ sampled: number; agreed: number }> {
    await Promise.all(this.confirming);
    return { ...this.confirmed };
  }

  get waiting(): number {
    return this.pending.size;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      if (this.pending.size > 0) await this.pollOnce().catch(() => undefined);
      const wait = this.intervalMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  }

  private async pollOnce(): Promise<void> {
    // Events lost for good (refused, never stored) must not be waited for forever.
    for (const [id, delivery] of this.pending) if (performance.now() - delivery.sentAt > 30_000) this.pending.delete(id);
    const { rows } = await this.pool.query<{ event_id: string; status: string }>(
      `SELECT event_id, status FROM event_log WHERE event_id = ANY($1::text[]) AND status IN ('processed', 'ignored', 'dead')`,
      [[...this.pending.keys()]],
    );
    const at = performance.now();
    for (const row of rows) {
      this.pending.delete(row.event_id);
      // A dead event changed no state: it counts as never visible.
      if (row.status === 'dead') continue;
      this.visibleAt.set(row.event_id, at);
      if (this.seen++ % CONFIRM_EVERY === 0) {
        const confirming = this.confirm(row.event_id).finally(() => this.confirming.delete(confirming));
        this.confirming.add(confirming);
      }
    }
  }

  private async confirm(eventId: string): Promise<void> {
    this.confirmed.sampled++;
    const response = await fetch(`${this.apiUrl}/events/${encodeURIComponent(eventId)}`, {
      headers: { authorization: `Bearer ${this.apiToken}` },
    }).catch(() => null);
    const body = response?.status === 200 ? ((await response.json().catch(() => null)) as { status: string } | null) : null;
    if (body && (body.status === 'processed' || body.status === 'ignored')) this.confirmed.agreed++;
  }
}

function summary(milliseconds: number[], expected: number) {
  const { p50, p99, max } = latencySummary(milliseconds);
  return { p50, p99, max, count: milliseconds.length, missing: expected - milliseconds.length };
}

/**
 * The freshness phase: a worker and an API on a fresh database and queue prefix, the worker
 * notifying a local sink; webhooks sent open loop at `rate` per second (a warm-up, then the measured
 * seconds). Per event: 200 → state visible through the read API, and 200 → its milestone notification
 * at the sink (milestones whose (shipment, milestone) the run sends once, so each notification has
 * exactly one cause).
 */
export async function measureFreshness(ctx: PhaseContext, settings: FreshnessSettings): Promise<FreshnessFigures> {
  const tag = `f${randomBytes(3).toString('hex')}`;
  const warmupCount = Math.round(settings.rate * settings.warmupSeconds);
  const measuredCount = Math.round(settings.rate * settings.seconds);
  const events = buildEvents({
    count: warmupCount + measuredCount,
    secret: BENCH_SECRET,
    tag,
    shipments: (warmupCount + measuredCount) * 4,
  });
  const keyOf = (shipmentId: string, milestone: string) => `${shipmentId}|${milestone}`;
  const occurrences = new Map<string, number>();
  for (const event of events) {
    if (isNotifiedMilestone(event.milestone)) {
      const key = keyOf(event.shipmentId, event.milestone);
      occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
    }
  }

  const db = await createScratchDatabase(settings.adminUrl, 'bench_fresh');
  ctx.track(db);
  const sink = await startSink();
  const queuePrefix = ctx.prefix('fresh');
  const env: Record<string, string> = {
    ...serviceEnv(settings.redisUrl, queuePrefix, db.url),
    NOTIFY_WEBHOOK_URLS: sink.url,
    NOTIFY_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  };
  const worker = await ctx.start('worker', env, 'freshness-worker', true);
  const api = await ctx.start('api', { ...env, RUN_MIGRATIONS: 'false' }, 'freshness-api', true);
  const poller = new VisibilityPoller(api.url, env.API_TOKEN, db.url, settings.pollIntervalMs);
  poller.start();
  try {
    ctx.log(`freshness: ${settings.rate} events/s open loop, ${settings.warmupSeconds}s warm-up then ${settings.seconds}s measured`);
    const onceNotified = (deliveries: Delivery[]) =>
      deliveries.filter(
        (delivery) =>
          delivery.status === 200 &&
          delivery.event.milestone &&
          occurrences.get(keyOf(delivery.event.shipmentId, delivery.event.milestone)) === 1,
      );
    const notified = (deliveries: Delivery[]) =>
      deliveries.filter((d) => sink.arrivals.has(keyOf(d.event.shipmentId, d.event.milestone!))).length;
    const settle = async (expectedNotifications: Delivery[]) => {
      const deadline = Date.now() + 30_000;
      while ((poller.waiting > 0 || notified(expectedNotifications) < expectedNotifications.length) && Date.now() < deadline)
        await sleep(100);
    };

    // The warm-up settles before the measured run starts: a process started seconds before is still
    // compiling its code, and the backlog it builds meanwhile would be measured as lag.
    const warmupStarted = performance.now();
    const warmup = await sendOpenLoop(api.url, events.slice(0, warmupCount), settings.rate, (delivery) => poller.watch(delivery));
    await settle(onceNotified(warmup));
    ctx.log(`freshness: warm-up settled ${((performance.now() - warmupStarted) / 1000).toFixed(1)} s after it started`);

    const measured = await sendOpenLoop(api.url, events.slice(warmupCount), settings.rate, (delivery) => poller.watch(delivery));
    const answered = measured.filter((delivery) => delivery.status === 200);
    const expectedNotifications = onceNotified(measured);
    await settle(expectedNotifications);

    const state: number[] = [];
    for (const delivery of answered) {
      const visible = poller.visibleAt.get(delivery.event.eventId);
      if (visible !== undefined) state.push(Math.max(0, visible - delivery.answeredAt));
    }
    const notification: number[] = [];
    for (const delivery of expectedNotifications) {
      const arrived = sink.arrivals.get(keyOf(delivery.event.shipmentId, delivery.event.milestone!));
      if (arrived !== undefined) notification.push(Math.max(0, arrived - delivery.answeredAt));
    }
    const figures: FreshnessFigures = {
      rate: settings.rate,
      seconds: settings.seconds,
      pollIntervalMs: settings.pollIntervalMs,
      sent: measured.length,
      answered: answered.length,
      state: summary(state, answered.length),
      confirmed: await poller.confirmations(),
      notification: summary(notification, expectedNotifications.length),
    };
    ctx.log(
      `freshness: state p50 ${figures.state.p50.toFixed(1)} / p99 ${figures.state.p99.toFixed(1)} / max ${figures.state.max.toFixed(1)} ms ` +
        `(${figures.state.count} of ${answered.length}); notification p50 ${figures.notification.p50.toFixed(1)} / ` +
        `p99 ${figures.notification.p99.toFixed(1)} / max ${figures.notification.max.toFixed(1)} ms ` +
        `(${figures.notification.count} of ${expectedNotifications.length})`,
    );
    return figures;
  } finally {
    await poller.stop();
    await ctx.stop(api);
    await ctx.stop(worker);
    await sink.close();
  }
}
