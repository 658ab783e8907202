import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { classifyEnvelope, deriveEventId, parseEnvelope } from '@app/flexport';
import { CATEGORY_QUEUES, EVENT_JOB_OPTIONS, EventJobData, eventJobId, JobName, QueueName } from '@app/queue';
import { BASELINE_JOB_OPTIONS, BASELINE_QUEUE } from './baselines/baseline-config.js';
import { createScratchDatabase, ScratchDatabase } from './support/database.js';
import { buildEvents, SignedEvent } from './support/events.js';
import { deletePrefix, redisServerPid } from './support/redis.js';

/**
 * A focused measurement of the drain alone (not part of `npm run bench`): N events are queued
 * while the queues are paused, the worker is started, and the clock runs from resuming the queues
 * until Postgres holds every event. Intake is out of the picture, so before/after comparisons of the
 * worker are not blurred by HTTP load on the same cores.
 *
 *   node dist/bench/drain-batching.js [service|baseline ...]
 * Settings: DRAIN_EVENTS (default 20000), DRAIN_DIST (a build of the service other than dist/),
 * DRAIN_NODE_OPTIONS (NODE_OPTIONS of the workers), DRAIN_LOG_LEVEL, DRAIN_CPU_PROF_DIR, DRAIN_KEEP_LOGS=1,
 * WORKER_CONCURRENCY (the service worker's, when set; the baseline keeps its 16), BENCH_REDIS_URL, BENCH_DATABASE_URL.
 */
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  events: Number(process.env.DRAIN_EVENTS ?? 20_000),
  // This file runs from <build>/bench/: by default, measure the build it belongs to.
  dist: process.env.DRAIN_DIST ?? dirname(dirname(fileURLToPath(import.meta.url))),
  concurrency: process.env.WORKER_CONCURRENCY,
  timeoutMs: Number(process.env.DRAIN_TIMEOUT_MS ?? 300_000),
  /** Writes a CPU profile of the worker there. */
  cpuProfDir: process.env.DRAIN_CPU_PROF_DIR,
};
const SECRET = 'whsec_bench_only';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

/** User + system CPU time of a process, in microseconds (Linux /proc; clock ticks of 100 Hz). */
function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'fw-drain-'));

type Target = 'service' | 'baseline';

interface DrainResult {
  target: Target;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  workerCpuMicrosPerEvent: number;
  /** CPU of the Postgres backends serving the worker (the machine may be shared: this part is its own). */
  postgresCpuMicrosPerEvent: number;
  /** CPU of the whole Redis server during the drain: includes whatever else uses it. */
  redisCpuMicrosPerEvent: number | null;
  dead: number;
}

function jobData(event: SignedEvent): EventJobData {
  const parsed = parseEnvelope(event.body);
  if (!parsed.ok) throw new Error(`bench event ${event.eventId} does not parse: ${parsed.reason}`);
  const eventId = deriveEventId(parsed.envelope, event.body);
  const { type, category, name } = classifyEnvelope(parsed.envelope, eventId);
  return { eventId, type, category, name, receivedAt: new Date().toISOString(), envelope: parsed.envelope };
}

async function startWorker(target: Target, env: Record<string, string>): Promise<{ pid: number; stop(): Promise<void>; log(): string }> {
  const entry = target === 'service' ? 'apps/worker/src/main.js' : 'bench/baselines/drain-worker.js';
  const logFile = join(logDir, `${target}-${Date.now()}.log`);
  const fd = openSync(logFile, 'a');
  const nodeArgs = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, join(settings.dist, entry)], {
    env: {
      PATH: process.env.PATH,
      ...env,
      ...(settings.concurrency && target === 'service' ? { WORKER_CONCURRENCY: settings.concurrency } : {}),
      ...(process.env.DRAIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.DRAIN_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const deadline = Date.now() + 60_000;
  while (!/started \(pid \d+\)/.test(log())) {
    if (child.exitCode !== null) throw new Error(`${target} worker exited while starting:\n${tail(log())}`);
    if (Date.now() > deadline) throw new Error(`${target} worker did not start:\n${tail(log())}`);
    await sleep(50);
  }
  return {
    pid: child.pid ?? -1,
    log,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function drain(target: Target, events: SignedEvent[]): Promise<DrainResult> {
  const prefix = `fwd-${runId}-${target}`;
  const database: ScratchDatabase = await createScratchDatabase(settings.adminUrl, `drain_${target}`);
  const connection = { url: settings.redisUrl };
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection, prefix, defaultJobOptions: target === 'service' ? EVENT_JOB_OPTIONS : BASELINE_JOB_OPTIONS });
      queues.set(name, found);
    }
    return found;
  };
  const names = target === 'service' ? Object.values(QueueName) : [BASELINE_QUEUE];
  const client = new pg.Client({ connectionString: database.url });
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    for (const name of names) await queue(name).pause();
    const byQueue = new Map<string, { name: string; data: unknown; opts: { jobId: string } }[]>();
    for (const event of events) {
      const data = jobData(event);
      const name = target === 'service' ? CATEGORY_QUEUES[data.category] : BASELINE_QUEUE;
      const jobs = byQueue.get(name) ?? [];
      jobs.push({ name: JobName.Event, data: target === 'service' ? data : data.envelope, opts: { jobId: eventJobId(data.eventId) } });
      byQueue.set(name, jobs);
    }
    for (const [name, jobs] of byQueue) {
      for (let i = 0; i < jobs.length; i += 1000) await queue(name).addBulk(jobs.slice(i, i + 1000));
    }
    worker = await startWorker(target, {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.DRAIN_LOG_LEVEL ?? 'info',
      REDIS_URL: settings.redisUrl,
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      FLEXPORT_WEBHOOK_SECRETS: SECRET,
      API_TOKEN: 'bench-api-token',
      ADMIN_PASSWORD: 'bench-admin-password',
    });
    await client.connect();
    const count =
      target === 'service'
        ? `SELECT count(*) FILTER (WHERE status IN ('processed', 'ignored')) AS done, count(*) FILTER (WHERE status = 'dead') AS dead FROM event_log`
        : 'SELECT count(*) AS done, 0 AS dead FROM baseline_processed_events';
    const backends = async () =>
      (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map(
        (row) => row.pid,
      );
    const backendCpu = (pids: number[]) => pids.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}`) ? processCpuMicros(pid) : 0), 0);
    const redisPid = await redisServerPid(settings.redisUrl).catch(() => null);
    const redisBefore = redisPid === null ? 0 : processCpuMicros(redisPid);
    const cpuBefore = processCpuMicros(worker.pid);
    const pgBefore = new Map((await backends()).map((pid) => [pid, processCpuMicros(pid)]));
    const started = performance.now();
    for (const name of names) await queue(name).resume();
    let done = 0;
    let dead = 0;
    while (done + dead < events.length) {
      if (performance.now() - started > settings.timeoutMs) throw new Error(`${target}: drain timed out at ${done + dead}/${events.length}\n${tail(worker.log(), 20)}`);
      await sleep(25);
      const [row] = (await client.query<{ done: string; dead: string }>(count)).rows;
      done = Number(row.done);
      dead = Number(row.dead);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = processCpuMicros(worker.pid) - cpuBefore;
    const redisCpu = redisPid === null ? null : processCpuMicros(redisPid) - redisBefore;
    const pids = await backends();
    const pgCpu = backendCpu(pids) - pids.reduce((sum, pid) => sum + (pgBefore.get(pid) ?? 0), 0);
    return {
      target,
      events: done,
      seconds,
      eventsPerSecond: done / seconds,
      workerCpuMicrosPerEvent: cpu / Math.max(1, done),
      postgresCpuMicrosPerEvent: pgCpu / Math.max(1, done),
      redisCpuMicrosPerEvent: redisCpu === null ? null : redisCpu / Math.max(1, done),
      dead,
    };
  } finally {
    await worker?.stop();
    await client.end().catch(() => undefined);
    for (const q of queues.values()) await q.close();
    await deletePrefix(settings.redisUrl, prefix).catch(() => undefined);
    await database.drop().catch(() => undefined);
  }
}

const targets = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['baseline', 'service']) as Target[];
const events = buildEvents({ count: settings.events, secret: SECRET, tag: `dr${runId}`, shipments: Math.ceil(settings.events / 10) });
const keepLogs = process.env.DRAIN_KEEP_LOGS === '1' || settings.cpuProfDir !== undefined || process.env.DRAIN_LOG_LEVEL !== undefined;
process.stdout.write(`drain of ${events.length} pre-queued events; worker build ${settings.dist}${keepLogs ? `; logs in ${logDir}` : ''}\n`);
for (const target of targets) {
  const result = await drain(target, events);
  process.stdout.write(
    `${result.target.padEnd(8)} ${result.eventsPerSecond.toFixed(0).padStart(6)} events/s  ` +
      `(${result.events} in ${result.seconds.toFixed(2)} s, ${result.dead} dead; CPU per event: worker ${(result.workerCpuMicrosPerEvent / 1000).toFixed(3)} ms, ` +
      `its Postgres backends ${(result.postgresCpuMicrosPerEvent / 1000).toFixed(3)} ms, ` +
      `Redis ${result.redisCpuMicrosPerEvent === null ? '?' : (result.redisCpuMicrosPerEvent / 1000).toFixed(3)} ms; load average ${loadavg()[0].toFixed(1)})\n`,
  );
}
if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
process.exit(0);
