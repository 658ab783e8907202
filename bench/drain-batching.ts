import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { classifyEnvelope, deriveEventId, parseEnvelope } from '@app/flexport';
import { CATEGORY_QUEUES, EVENT_JOB_OPTIONS, EventJobData, eventJobId, JobName, QueueName } from '@app/queue';
import { BASELINE_JOB_OPTIONS, BASELINE_QUEUE } from './baselines/baseline-config.js';
import { createScratchDatabase, ScratchDatabase } from '../test/support/scratch-database.js';
import { buildEvents, SignedEvent } from '../test/support/signed-events.js';
import { Child, processCpuMicros, REPO_ROOT, sleep, startProgram, tail } from '../test/support/processes.js';
import { deleteKeysUnder, redisServerPid } from '../test/support/redis.js';
import { BENCH_SECRET, serviceEnv } from './support/settings.js';

/**
 * A focused measurement of the drain alone (not part of `npm run bench`): N events are queued
 * while the queues are paused, the worker is started, and the clock runs from resuming the queues
 * until Postgres holds every event. Intake is out of the picture, so before/after comparisons of the
 * worker are not blurred by HTTP load on the same cores.
 *
 *   node dist/bench/drain-batching.js [service|baseline ...]
 * Settings: DRAIN_EVENTS (default 20000), DRAIN_DIST (the dist/ folder of another build of the service),
 * DRAIN_NODE_OPTIONS (NODE_OPTIONS of the workers), DRAIN_LOG_LEVEL, DRAIN_CPU_PROF_DIR, DRAIN_KEEP_LOGS=1,
 * WORKER_CONCURRENCY (the service worker's, when set; the baseline keeps its 16), BENCH_REDIS_URL, BENCH_DATABASE_URL.
 */
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  events: Number(process.env.DRAIN_EVENTS ?? 20_000),
  /** The checkout whose build runs the workers: by default this one. */
  buildRoot: process.env.DRAIN_DIST ? dirname(resolve(process.env.DRAIN_DIST)) : REPO_ROOT,
  concurrency: process.env.WORKER_CONCURRENCY,
  timeoutMs: Number(process.env.DRAIN_TIMEOUT_MS ?? 300_000),
  /** Writes a CPU profile of the worker there. */
  cpuProfDir: process.env.DRAIN_CPU_PROF_DIR,
};
if (!existsSync(join(settings.buildRoot, 'dist', 'apps', 'worker', 'src', 'main.js'))) {
  throw new Error(`no built worker under ${join(settings.buildRoot, 'dist')}: DRAIN_DIST must name a build's dist/ folder`);
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

/** The worker of `target`, from the build under test, logging to this run's folder. */
function startWorker(target: Target, env: Record<string, string>): Promise<Child> {
  return startProgram(target === 'service' ? 'worker' : 'baseline-worker', {
    env: {
      ...env,
      ...(settings.concurrency && target === 'service' ? { WORKER_CONCURRENCY: settings.concurrency } : {}),
      ...(process.env.DRAIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.DRAIN_NODE_OPTIONS } : {}),
    },
    logDir,
    label: target,
    nodeArgs: settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
    startTimeoutMs: 60_000,
    repoRoot: settings.buildRoot,
  });
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
  let worker: Child | undefined;
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
      ...serviceEnv(settings.redisUrl, prefix, database.url),
      LOG_LEVEL: process.env.DRAIN_LOG_LEVEL ?? 'info',
    });
    await client.connect();
    const count =
      target === 'service'
        ? `SELECT count(*) FILTER (WHERE status IN ('processed', 'ignored')) AS done, count(*) FILTER (WHERE status = 'dead') AS dead FROM event_log`
        : 'SELECT count(*) AS done, 0 AS dead FROM baseline_processed_events';
    const backends = async () =>
      (
        await client.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        )
      ).rows.map((row) => row.pid);
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
      if (performance.now() - started > settings.timeoutMs)
        throw new Error(`${target}: drain timed out at ${done + dead}/${events.length}\n${tail(worker.log(), 20)}`);
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
    await deleteKeysUnder(settings.redisUrl, prefix).catch(() => undefined);
    await database.drop().catch(() => undefined);
  }
}

const targets = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['baseline', 'service']) as Target[];
const events = buildEvents({ count: settings.events, secret: BENCH_SECRET, tag: `dr${runId}`, shipments: Math.ceil(settings.events / 10) });
const keepLogs = process.env.DRAIN_KEEP_LOGS === '1' || settings.cpuProfDir !== undefined || process.env.DRAIN_LOG_LEVEL !== undefined;
process.stdout.write(
  `drain of ${events.length} pre-queued events; worker build ${join(settings.buildRoot, 'dist')}${keepLogs ? `; logs in ${logDir}` : ''}\n`,
);
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
