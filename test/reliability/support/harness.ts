import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { queryOnce as queryOnceWithin } from '../../support/scratch-database.js';
import { SignedEvent } from '../../support/signed-events.js';
import { Child, sleep, startProgram, tail } from '../../support/processes.js';
import { PostgresCluster } from './postgres-cluster.js';
import { RedisCluster, RedisClusterOptions } from './redis-cluster.js';
import { RedisServer } from './redis-server.js';

export type Role = 'api' | 'worker' | 'server';
export const SECRET = 'whsec_reliability';
export const API_TOKEN = 'reliability-token';
/** Standard Webhooks' format: whsec_ + base64 of 32 bytes. */
export const NOTIFY_SECRET = `whsec_${Buffer.from('reliability notify secret, 32 b').toString('base64')}`;

/** Every process a suite starts, so that a crashed test run never leaves one behind. */
const started = new Set<{ pid?: number; kill(signal: NodeJS.Signals): unknown }>();
process.once('exit', () => {
  for (const child of started) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * One test file's private world: its own redis-server (AOF, appendfsync always, noeviction) and
 * PostgreSQL cluster on spare loopback ports, a log directory, and the service processes it starts;
 * with `redisCluster`, also a Redis Cluster, which its deployments then use instead of the redis-server.
 * `destroy()` stops exactly what it started, by pid, and removes the temporary directories.
 */
export class ReliabilityEnv {
  readonly children: Child[] = [];
  private failed = false;

  private constructor(
    readonly label: string,
    readonly redis: RedisServer,
    readonly postgres: PostgresCluster,
    readonly logDir: string,
    readonly redisCluster: RedisCluster | null,
  ) {}

  static async create(label: string, { redisCluster }: { redisCluster?: RedisClusterOptions } = {}): Promise<ReliabilityEnv> {
    const logDir = mkdtempSync(join(tmpdir(), `fw-rel-${label}-`));
    const redis = await RedisServer.create();
    const own = (server: RedisServer | PostgresCluster) =>
      started.add({ kill: (signal) => server.running && process.kill(server.pid!, signal) });
    own(redis);
    let postgres: PostgresCluster | undefined;
    let cluster: RedisCluster | null = null;
    try {
      postgres = await PostgresCluster.create();
      own(postgres);
      if (redisCluster) {
        cluster = await RedisCluster.create(redisCluster);
        cluster.nodes.forEach(own);
      }
    } catch (error) {
      await redis.destroy();
      await postgres?.destroy();
      throw error;
    }
    return new ReliabilityEnv(label, redis, postgres, logDir, cluster);
  }

  /** A fresh database and queue prefix: one "deployment" of the service inside this environment. */
  async deployment(label: string): Promise<Deployment> {
    const name = `fw_${label}_${randomBytes(3).toString('hex')}`.toLowerCase();
    const databaseUrl = await this.postgres.createDatabase(name);
    const prefix = `fwr-${label}-${randomBytes(3).toString('hex')}`;
    // On a cluster the prefix must be a hash tag: every key of the deployment in one slot.
    return new Deployment(this, label, databaseUrl, this.redisCluster ? `{${prefix}}` : prefix);
  }

  async startRole(role: Role, env: Record<string, string>, label: string): Promise<Child> {
    const child = await startProgram(role, { env, logDir: this.logDir, label, startTimeoutMs: 60_000 });
    this.children.push(child);
    started.add(child.child);
    return child;
  }

  markFailed(): void {
    this.failed = true;
  }

  /** The tail of every process log, for a failing assertion's message. */
  logs(lines = 25): string {
    return this.children.map((child) => `--- ${child.program} pid ${child.pid} (${child.logFile})\n${tail(child.log(), lines)}`).join('\n');
  }

  async destroy(): Promise<void> {
    for (const child of this.children) await child.stop('SIGTERM', 10_000).catch(() => undefined);
    await this.redis.destroy();
    await this.redisCluster?.destroy();
    await this.postgres.destroy();
    if (this.failed || process.env.RELIABILITY_KEEP_LOGS === '1') {
      process.stderr.write(`reliability ${this.label}: logs kept in ${this.logDir}\n`);
    } else {
      rmSync(this.logDir, { recursive: true, force: true });
    }
  }
}

export class Deployment {
  constructor(
    readonly env: ReliabilityEnv,
    readonly label: string,
    readonly databaseUrl: string,
    readonly queuePrefix: string,
  ) {}

  variables(extra: Record<string, string> = {}): Record<string, string> {
    const redis: Record<string, string> = this.env.redisCluster
      ? { REDIS_CLUSTER_NODES: this.env.redisCluster.seeds }
      : { REDIS_URL: this.env.redis.url };
    return {
      NODE_ENV: 'production',
      ...redis,
      DATABASE_URL: this.databaseUrl,
      QUEUE_PREFIX: this.queuePrefix,
      FLEXPORT_WEBHOOK_SECRETS: SECRET,
      API_TOKEN,
      ADMIN_API_TOKEN: 'reliability-admin-api-token',
      ADMIN_PASSWORD: 'reliability-admin',
      NOTIFY_SIGNING_SECRET: NOTIFY_SECRET,
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  start(role: Role, extra: Record<string, string> = {}, label = `${this.label}-${role}`): Promise<Child> {
    return this.env.startRole(role, this.variables(extra), label);
  }

  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryOnce<T>(this.databaseUrl, sql, params);
  }

  async statuses(eventIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.query<{ event_id: string; status: string }>(
      'SELECT event_id, status FROM event_log WHERE event_id = ANY($1::text[])',
      [eventIds],
    );
    return new Map(rows.map((row) => [row.event_id, row.status]));
  }

  /**
   * Waits until every event has reached a final status in the event log (processed or ignored; dead
   * counts as final too, so the caller can assert on it) or the time is up; returns what it saw.
   */
  async waitForFinal(eventIds: readonly string[], timeoutMs: number): Promise<Map<string, string>> {
    const deadline = Date.now() + timeoutMs;
    let seen = new Map<string, string>();
    while (Date.now() < deadline) {
      try {
        seen = await this.statuses(eventIds);
      } catch {
        // Postgres may still be coming back
      }
      if (eventIds.every((id) => isFinal(seen.get(id)))) return seen;
      await sleep(500);
    }
    return seen;
  }
}

export const isFinal = (status: string | undefined) => status === 'processed' || status === 'ignored' || status === 'dead';

/** One query on a short-lived connection, waiting at most 3 s for the server. */
export function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return queryOnceWithin<T>(url, sql, params, 3000);
}

export interface PostOutcome {
  eventId: string;
  status: number | null;
  ms: number;
  error?: string;
  at: number;
  /** The Retry-After header of the answer, if any. */
  retryAfter?: string | null;
}

/** One webhook delivery; a network error or timeout is an outcome (status null), never a throw. */
export async function postEvent(baseUrl: string, event: SignedEvent, timeoutMs = 5000): Promise<PostOutcome> {
  const at = Date.now();
  try {
    const response = await fetch(`${baseUrl}/webhooks/flexport`, {
      method: 'POST',
      headers: event.headers,
      body: event.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { eventId: event.eventId, status: response.status, ms: Date.now() - at, at, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    return { eventId: event.eventId, status: null, ms: Date.now() - at, at, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Sends events at a steady rate (open loop, like a webhook sender) to the URLs that `targets()`
 * returns at each send, round-robin. Records every outcome; `acknowledged` holds the events answered 200.
 */
export class Sender {
  readonly outcomes: PostOutcome[] = [];
  readonly acknowledged = new Set<string>();
  private inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly targets: () => string[],
    private readonly options: { ratePerSecond: number; timeoutMs?: number; maxInFlight?: number },
  ) {}

  /** Sends `events` in order, paced; resolves when all are sent and answered (or `stop()`). */
  async send(events: readonly SignedEvent[]): Promise<void> {
    const interval = 1000 / this.options.ratePerSecond;
    const begin = performance.now();
    for (let i = 0; i < events.length && !this.stopped; i++) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (this.inFlight.size >= (this.options.maxInFlight ?? 256)) await Promise.race(this.inFlight);
      const urls = this.targets();
      this.dispatch(urls[i % urls.length], events[i]);
    }
    await Promise.all(this.inFlight);
  }

  /** Sends again, until acknowledged or out of time, every event not yet answered 200 (the sender's retries). */
  async redeliverUnacknowledged(events: readonly SignedEvent[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pending = events.filter((event) => !this.acknowledged.has(event.eventId));
    while (pending.length > 0 && Date.now() < deadline && !this.stopped) {
      await this.send(pending);
      pending = pending.filter((event) => !this.acknowledged.has(event.eventId));
      if (pending.length > 0) await sleep(500);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private dispatch(url: string, event: SignedEvent): void {
    const request = postEvent(url, event, this.options.timeoutMs ?? 5000).then((outcome) => {
      this.outcomes.push(outcome);
      if (outcome.status === 200) this.acknowledged.add(event.eventId);
    });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }
}

/** Counts outcomes by status (`error` for no answer). */
export function statusCounts(outcomes: readonly PostOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.status === null ? 'error' : String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Columns whose values depend on timing or on the number of attempts, not on the set of events. */
const VOLATILE_COLUMNS = new Set([
  'created_at',
  'updated_at',
  'recorded_at',
  'processed_at',
  'received_at',
  'attempts',
  'last_error',
  'dead_lettered_at',
  'last_replayed_at',
  'resolved_at',
  'relayed_at',
  'lease_token',
  'lease_until',
  'last_attempt_at',
  'delivered_at',
  'dead_at',
  'last_status_code',
  'replay_count',
]);
/**
 * Per table, columns that legitimately depend on arrival order: a notification goes out once, for the
 * first occurrence of a milestone the workers record, so which occurrence that is depends on timing.
 */
const ORDER_DEPENDENT: Record<string, string[]> = {
  dead_letters: ['id'],
  notification_outbox: ['event_id', 'occurred_at', 'location'],
};

/** Every table of the service's schema, rows sorted, without the volatile columns: comparable across runs. */
export async function stateDump(databaseUrl: string): Promise<Record<string, string[]>> {
  const columns = await queryOnce<{ table_name: string; column_name: string }>(
    databaseUrl,
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
      ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    if (VOLATILE_COLUMNS.has(column_name) || ORDER_DEPENDENT[table_name]?.includes(column_name)) continue;
    tables.set(table_name, [...(tables.get(table_name) ?? []), column_name]);
  }
  const dump: Record<string, string[]> = {};
  for (const [table, names] of tables) {
    const rows = await queryOnce<Record<string, unknown>>(
      databaseUrl,
      `SELECT ${names.map((name) => `"${name}"::text AS "${name}"`).join(', ')} FROM "${table}"`,
    );
    dump[table] = rows.map((row) => JSON.stringify(names.map((name) => row[name]))).sort();
  }
  return dump;
}

/** Shuffles a copy (seeded, reproducible). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(intervalMs);
  }
  return condition();
}

export function alive(child: Child): boolean {
  return child.child.exitCode === null && child.child.signalCode === null;
}
