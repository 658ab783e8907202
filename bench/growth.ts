import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { PayloadRetention } from '@app/processing';
import { EVENT_JOB_OPTIONS } from '@app/queue';
import { createScratchDatabase, queryOnce, ScratchDatabase } from '../test/support/scratch-database.js';
import { buildEvents } from '../test/support/signed-events.js';
import { Child, Program, sleep, startProgram, tail } from '../test/support/processes.js';
import { deleteKeysUnder } from '../test/support/redis.js';
import { runLoad } from './support/load.js';
import { describeMachine, Machine } from './support/machine.js';
import { writeDocBlock } from './support/report.js';
import { BENCH_SECRET, serviceEnv } from './support/settings.js';

/**
 * `npm run growth`: what a day of traffic costs in Redis and Postgres. Puts GROWTH_EVENTS (100,000)
 * bench events through the built api and worker on a fresh database and queue prefix, then measures
 * our Redis keys (MEMORY USAGE, by kind) and each table's heap, TOAST and indexes; then clears the
 * payloads as EVENT_PAYLOAD_RETENTION_DAYS would and measures the event log again. Writes the
 * `growth` block of docs/benchmarks.md (BENCH_WRITE_DOC=0: print only). Settings: GROWTH_EVENTS,
 * BENCH_REDIS_URL, BENCH_DATABASE_URL, BENCH_KEEP_LOGS=1.
 */
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  events: Number(process.env.GROWTH_EVENTS ?? 100_000),
  writeDoc: process.env.BENCH_WRITE_DOC !== '0',
  timeoutMs: Number(process.env.GROWTH_TIMEOUT_MS ?? 600_000),
};
const DAY = 86_400;
const RATES = [10, 100, 1000] as const;

const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'fw-growth-'));
const started = Date.now();
const children: Child[] = [];
let database = null as ScratchDatabase | null;
const queuePrefix = `fwb-${runId}-growth`;

function log(message: string): void {
  process.stdout.write(`[growth ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

async function start(program: Program, env: Record<string, string>, label: string): Promise<Child> {
  const child = await startProgram(program, { env, logDir, label });
  children.push(child);
  return child;
}

interface KeyKind {
  kind: string;
  keys: number;
  bytes: number;
}

/** Our keys (under the prefix) by kind, with MEMORY USAGE summed: exact for us whatever else shares the Redis. */
async function redisKeys(redis: Redis): Promise<KeyKind[]> {
  const kinds = new Map<string, KeyKind>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, index) => {
      const kind = kindOf(key.slice(queuePrefix.length + 1));
      const entry = kinds.get(kind) ?? { kind, keys: 0, bytes: 0 };
      entry.keys++;
      entry.bytes += Number(sizes[index]?.[1] ?? 0);
      kinds.set(kind, entry);
    });
  } while (cursor !== '0');
  return [...kinds.values()].sort((a, b) => b.bytes - a.bytes);
}

function kindOf(rest: string): string {
  if (rest.startsWith('seen:')) return 'seen markers';
  if (rest === 'metrics') return 'metrics hash';
  const [, tail] = rest.split(/:(.*)/s);
  if (tail?.startsWith('ev-') || tail?.startsWith('q-') || /^[0-9a-f]{64}$/.test(tail ?? '')) return 'job hashes (completed jobs kept)';
  if (tail?.endsWith(':logs') || tail?.endsWith(':lock')) return 'job logs and locks';
  return 'queue structures (lists, sets, event streams)';
}

/**
 * What one `seen` marker costs, measured: 20,000 markers written with a lifetime (as intake does) and
 * used_memory read before and after, for the value the marker held before (the receipt time) and now.
 */
async function markerCost(redis: Redis): Promise<{ before: number; now: number }> {
  const count = 20_000;
  // A prefix as long as the default `flexport`, so that the key costs what it costs in production.
  const prefix = `fw${runId}`;
  const measure = async (value: string) => {
    const usedBefore = await usedMemory(redis);
    for (let from = 0; from < count; from += 1000) {
      const pipeline = redis.pipeline();
      for (let i = from; i < from + 1000; i++) pipeline.set(`${prefix}:seen:${1_831_596_000 + i}`, value, 'EX', 8 * DAY);
      await pipeline.exec();
    }
    const bytes = (await usedMemory(redis)) - usedBefore;
    await deleteKeysUnder(settings.redisUrl, prefix);
    return bytes / count;
  };
  return { before: await measure('2026-11-28T08:50:05.868Z'), now: await measure('1') };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

interface TableSize {
  table: string;
  rows: number;
  heap: number;
  toast: number;
  indexes: number;
  total: number;
}

async function tableSizes(url: string): Promise<TableSize[]> {
  await queryOnce(url, 'VACUUM ANALYZE');
  const rows = await queryOnce<{ table: string; rows: string; heap: string; toast: string; indexes: string; total: string }>(
    url,
    `SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_relation_size(c.oid) AS heap,
            COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0) AS toast,
            pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
      ORDER BY pg_total_relation_size(c.oid) DESC`,
  );
  return rows.map((row) => ({
    table: row.table,
    rows: Math.max(0, Number(row.rows)),
    heap: Number(row.heap),
    toast: Number(row.toast),
    indexes: Number(row.indexes),
    total: Number(row.total),
  }));
}

async function waitUntilFinal(url: string, expected: number): Promise<number> {
  const deadline = Date.now() + settings.timeoutMs;
  for (;;) {
    const [row] = await queryOnce<{ done: string }>(
      url,
      `SELECT count(*) AS done FROM event_log WHERE status IN ('processed', 'ignored', 'dead')`,
    );
    const done = Number(row.done);
    if (done >= expected || Date.now() > deadline) return done;
    await sleep(1000);
  }
}

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
function bytes(value: number): string {
  if (value >= GB) return `${(value / GB).toFixed(1)} GiB`;
  if (value >= MB) return `${(value / MB).toFixed(1)} MiB`;
  if (value >= KB) return `${(value / KB).toFixed(1)} KiB`;
  return `${value.toFixed(0)} B`;
}

interface GrowthFigures {
  events: number;
  processed: number;
  redis: KeyKind[];
  usedMemoryDelta: number;
  marker: { before: number; now: number };
  /** Completed jobs BullMQ keeps per queue (removeOnComplete). */
  completedKept: { count: number; ageSeconds: number };
  postgres: TableSize[];
  eventLogAfterRetention: TableSize;
  seconds: number;
}

function perEvent(value: number, events: number): string {
  return `${(value / events).toFixed(0)} B`;
}

function render(f: GrowthFigures, machine: Machine, load: number[]): string {
  const lines: string[] = [];
  const n = f.processed;
  const eventLog = f.postgres.find((t) => t.table === 'event_log')!;
  const allTables = f.postgres.reduce((sum, t) => sum + t.total, 0);
  const projections = allTables - eventLog.total;
  const jobs = f.redis.find((k) => k.kind.startsWith('job hashes'));
  const jobBytes = jobs && jobs.keys > 0 ? jobs.bytes / jobs.keys : 0;
  const markers = f.redis.find((k) => k.kind === 'seen markers');
  lines.push(
    `Run \`${runId}\`, ${new Date().toISOString()}: ${f.events.toLocaleString('en-US')} bench events (${n.toLocaleString('en-US')} final) through the built api and worker in ${f.seconds.toFixed(0)} s; ` +
      `${machine.cpuModel}, ${machine.cores} cores; PostgreSQL ${machine.postgres}; Redis ${machine.redis}; load average before ${load.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    "**Redis** (keys under the run's prefix, `MEMORY USAGE` summed; the markers' cost from `used_memory` around 20,000 of them under an 8-character prefix like `flexport`, lifetime included):",
    '',
    '| kind | keys | bytes | per key |',
    '| --- | ---: | ---: | ---: |',
    ...f.redis.map(
      (k) => `| ${k.kind} | ${k.keys.toLocaleString('en-US')} | ${bytes(k.bytes)} | ${(k.bytes / Math.max(1, k.keys)).toFixed(0)} B |`,
    ),
    `| \`seen\` marker, before (value: the receipt time) | | | ${f.marker.before.toFixed(0)} B |`,
    `| \`seen\` marker, now (value: the integer 1) | | | ${f.marker.now.toFixed(0)} B |`,
    '',
    `\`used_memory\` grew by ${bytes(f.usedMemoryDelta)} over the run (${perEvent(f.usedMemoryDelta, n)} per event; the Redis is shared, so this also counts other clients).`,
    '',
    "**Postgres** (after `VACUUM ANALYZE`; per event = the table's size over the events put through):",
    '',
    '| table | rows | heap | TOAST | indexes | total | per event |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...f.postgres
      .filter((t) => t.total > 16 * KB)
      .map(
        (t) =>
          `| ${t.table} | ${t.rows.toLocaleString('en-US')} | ${bytes(t.heap)} | ${bytes(t.toast)} | ${bytes(t.indexes)} | ${bytes(t.total)} | ${perEvent(t.total, n)} |`,
      ),
    `| event_log, payloads cleared (retention), after \`VACUUM FULL\` | ${f.eventLogAfterRetention.rows.toLocaleString('en-US')} | ${bytes(f.eventLogAfterRetention.heap)} | ${bytes(f.eventLogAfterRetention.toast)} | ${bytes(f.eventLogAfterRetention.indexes)} | ${bytes(f.eventLogAfterRetention.total)} | ${perEvent(f.eventLogAfterRetention.total, n)} |`,
    '',
    '**Cost per day** (Postgres grows by this much a day, for good, unless retention clears payloads; Redis holds the markers of `SEEN_TTL_SECONDS` (8 days) ' +
      `and at most ${f.completedKept.count.toLocaleString('en-US')} completed jobs per queue for a day: a level, not a growth):`,
    '',
    '| events/s | events a day | Postgres a day, every payload kept | Postgres a day, payloads cleared | Redis: markers held (8 days) | Redis: completed jobs held |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...RATES.map((rate) => {
      const perDay = rate * DAY;
      const pgKept = (eventLog.total + projections) / n;
      const pgCleared = (f.eventLogAfterRetention.total + projections) / n;
      const markersHeld = perDay * 8 * (markers ? f.marker.now : 0);
      const jobsHeld = Math.min(perDay, f.completedKept.count * 8) * jobBytes;
      return `| ${rate.toLocaleString('en-US')} | ${perDay.toLocaleString('en-US')} | ${bytes(perDay * pgKept)} | ${bytes(perDay * pgCleared)} | ${bytes(markersHeld)} | ${bytes(jobsHeld)} |`;
    }),
    '',
    `Projections (shipments and the other tables) are counted at this run's mix: one shipment per ten events. Completed jobs: ${jobBytes.toFixed(0)} B each (the job's data is the ` +
      "whole envelope); at most 8 event queues × the count bound, fewer at a low rate (a day's worth). With retention the event log keeps the payloads of " +
      '`EVENT_PAYLOAD_RETENTION_DAYS` days at the full cost per event, then the cleared cost; space freed by clearing is reused by new rows after (auto)vacuum.',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  log(`run ${runId}: ${settings.events} events; logs in ${logDir}`);
  // The retention sweep below runs in this process: only its errors belong in the output.
  Logger.overrideLogger(['error']);
  const machine = await describeMachine(settings.redisUrl, settings.adminUrl);
  const loadBefore = loadavg();
  const redis = new Redis(settings.redisUrl);
  try {
    const events = buildEvents({
      count: settings.events,
      secret: BENCH_SECRET,
      tag: `g${runId}`,
      shipments: Math.ceil(settings.events / 10),
    });
    database = await createScratchDatabase(settings.adminUrl, 'bench_growth');
    const env = serviceEnv(settings.redisUrl, queuePrefix, database.url);
    const worker = await start('worker', env, 'growth-worker');
    const api = await start('api', { ...env, RUN_MIGRATIONS: 'false' }, 'growth-api');
    const usedBefore = await usedMemory(redis);
    const load = await runLoad({ url: api.url, events, connections: 50, amount: events.length });
    log(`posted ${load.status2xx} (non-2xx ${load.non2xx}, errors ${load.errors}); waiting for the worker`);
    const processed = await waitUntilFinal(database.url, load.status2xx);
    log(`${processed} final`);
    await sleep(2000);
    const usedAfter = await usedMemory(redis);
    for (const child of [api, worker]) await child.stop('SIGTERM');
    const keys = await redisKeys(redis);
    const marker = await markerCost(redis);
    const postgres = await tableSizes(database.url);

    // Retention: the sweep itself, as if a day past its cutoff, then the table rewritten to measure what stays.
    const dataSource = await new DataSource(buildDataSourceOptions(database.url, { poolSize: 2 })).initialize();
    try {
      const sweep = await new PayloadRetention(dataSource).sweep(1, new Date(Date.now() + 2 * DAY * 1000), {
        batchSize: 5000,
        budgetMs: settings.timeoutMs,
        pauseMs: 0,
      });
      log(`retention cleared ${sweep.cleared} payloads`);
    } finally {
      await dataSource.destroy();
    }
    await queryOnce(database.url, 'VACUUM FULL event_log');
    const eventLogAfterRetention = (await tableSizes(database.url)).find((t) => t.table === 'event_log')!;

    const removeOnComplete = EVENT_JOB_OPTIONS.removeOnComplete as { age: number; count: number };
    const figures: GrowthFigures = {
      events: settings.events,
      processed,
      redis: keys,
      usedMemoryDelta: usedAfter - usedBefore,
      marker,
      completedKept: { count: removeOnComplete.count, ageSeconds: removeOnComplete.age },
      postgres,
      eventLogAfterRetention,
      seconds: (Date.now() - started) / 1000,
    };
    const markdown = render(figures, machine, loadBefore);
    process.stdout.write(`\n${markdown}\n\n`);
    if (settings.writeDoc) log(`results written to ${writeDocBlock('growth', markdown)}`);
  } finally {
    redis.disconnect();
  }
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`growth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  for (const child of children) process.stderr.write(`--- ${child.program} (${child.logFile})\n${tail(child.log(), 20)}\n`);
} finally {
  for (const child of children) await child.stop('SIGTERM', 10_000).catch(() => undefined);
  await deleteKeysUnder(settings.redisUrl, queuePrefix).catch(() => undefined);
  await database?.drop().catch(() => undefined);
  if (failed || process.env.BENCH_KEEP_LOGS === '1') log(`logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
}
process.exit(failed ? 1 : 0);
