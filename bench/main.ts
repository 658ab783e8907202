import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery, createScratchDatabase, postmasterPid, queryOnce, ScratchDatabase } from '../test/support/scratch-database.js';
import { buildEvents, SignedEvent } from '../test/support/signed-events.js';
import { LoadResult, runLoad } from './support/load.js';
import { describeMachine } from './support/machine.js';
import { Child, processCpuMicros, processTreeCpuMicros, Program, sleep, startProgram, tail } from '../test/support/processes.js';
import { deleteKeysUnder, redisServerPid } from '../test/support/redis.js';
import { BENCH_SECRET, evenRounds, serviceEnv as benchServiceEnv } from './support/settings.js';
import { takeTurns } from './support/turns.js';
import {
  BacklogFigures,
  BenchFigures,
  DrainFigures,
  freshnessRows,
  IntakeFigures,
  renderConsoleTable,
  renderFreshnessMarkdown,
  writeBenchmarksDoc,
  writeDocBlock,
} from './support/report.js';
import { FreshnessFigures, measureFreshness, PhaseContext } from './freshness.js';

/**
 * `npm run bench`: the service (built api and worker processes) against two bare baselines on the
 * same Redis and Postgres: intake throughput and latency, then the drain into Postgres.
 * Settings (docs/benchmarks.md): BENCH_REDIS_URL, BENCH_DATABASE_URL (an admin connection; fresh
 * databases are created and dropped), BENCH_SECONDS, BENCH_INTAKE_ROUNDS, BENCH_DRAIN_ROUNDS,
 * BENCH_DRAIN_EVENTS, BENCH_DRAIN_WARMUP_EVENTS, BENCH_MAX_RATE, BENCH_CPU_PROF=1 (profiles the
 * service's and the baselines' processes), BENCH_WRITE_DOC=0 (do not touch docs/benchmarks.md),
 * BENCH_PHASES=intake|drain (those phases only, printed), BENCH_PHASES=freshness (that phase only,
 * written to its own block of the document), BENCH_FRESHNESS_RATE, BENCH_FRESHNESS_SECONDS, BENCH_KEEP_LOGS=1.
 */
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  warmupSeconds: 3,
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  connections: 50,
  fixedRate: 1000,
  fixedConnections: 10,
  drainEvents: Number(process.env.BENCH_DRAIN_EVENTS ?? 10_000),
  drainWarmupEvents: Number(process.env.BENCH_DRAIN_WARMUP_EVENTS ?? 3_000),
  drainRounds: evenRounds('BENCH_DRAIN_ROUNDS', 4),
  intakeRounds: evenRounds('BENCH_INTAKE_ROUNDS', 2),
  drainTimeoutMs: Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 150_000),
  cpuProf: process.env.BENCH_CPU_PROF === '1',
  writeDoc: process.env.BENCH_WRITE_DOC !== '0',
  /** `intake` alone is enough to iterate on the API; the document is written only from a full run. */
  intakeOnly: process.env.BENCH_PHASES === 'intake',
  /** `drain`: the two drain phases only, printed with each process's CPU per event. */
  drainOnly: process.env.BENCH_PHASES === 'drain',
  /** `freshness`: the open-loop freshness phase only. */
  freshnessOnly: process.env.BENCH_PHASES === 'freshness',
  freshnessRate: Number(process.env.BENCH_FRESHNESS_RATE ?? 500),
  freshnessSeconds: Number(process.env.BENCH_FRESHNESS_SECONDS ?? 30),
  /** Upper bound on the saturation rate the pre-signed pool allows without repeating an event. */
  maxRate: Number(process.env.BENCH_MAX_RATE ?? 12000),
};

const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const profDir = join(tmpdir(), 'fw-bench-profiles', runId);
const children: Child[] = [];
const prefixes: string[] = [];
const databases: ScratchDatabase[] = [];

function log(message: string): void {
  process.stdout.write(`[bench ${((Date.now() - benchStarted) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}
const benchStarted = Date.now();

function prefix(label: string): string {
  const value = `fwb-${runId}-${label}`;
  prefixes.push(value);
  return value;
}

async function start(program: Program, env: Record<string, string>, label: string, profile = false): Promise<Child> {
  const nodeArgs =
    profile && settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`] : [];
  const child = await startProgram(program, { env, logDir, label, nodeArgs });
  children.push(child);
  return child;
}

async function stop(child: Child): Promise<void> {
  const code = await child.stop('SIGTERM');
  if (code !== 0) log(`warning: ${child.program} exited with ${code}\n${tail(child.log(), 15)}`);
}

function serviceEnv(queuePrefix: string, databaseUrl: string): Record<string, string> {
  return benchServiceEnv(settings.redisUrl, queuePrefix, databaseUrl);
}

function baselineEnv(queuePrefix: string, databaseUrl: string): Record<string, string> {
  return { REDIS_URL: settings.redisUrl, DATABASE_URL: databaseUrl, QUEUE_PREFIX: queuePrefix, FLEXPORT_WEBHOOK_SECRETS: BENCH_SECRET };
}

interface IntakePools {
  warmup: SignedEvent[];
  saturation: SignedEvent[];
  fixed: SignedEvent[];
}

interface DrainPools {
  measured: SignedEvent[];
  warmup: SignedEvent[];
}

/** Every round runs on a fresh queue prefix, so the rounds may send the same events. */
function intakePools(): IntakePools {
  const warmup = settings.maxRate * settings.warmupSeconds;
  const saturation = settings.maxRate * settings.seconds;
  const fixed = Math.ceil(settings.fixedRate * settings.seconds * 1.2);
  const all = buildEvents({ count: warmup + saturation + fixed, secret: BENCH_SECRET, tag: `b${runId}`, shipments: 2000 });
  return { warmup: all.slice(0, warmup), saturation: all.slice(warmup, warmup + saturation), fixed: all.slice(warmup + saturation) };
}

/** The drains run on fresh prefixes and databases, so they may reuse events the intake runs sent elsewhere. */
function drainPools(): DrainPools {
  return {
    measured: buildEvents({
      count: settings.drainEvents,
      secret: BENCH_SECRET,
      tag: `d${runId}`,
      shipments: Math.ceil(settings.drainEvents / 10),
    }),
    warmup: buildEvents({
      count: settings.drainWarmupEvents,
      secret: BENCH_SECRET,
      tag: `w${runId}`,
      shipments: Math.ceil(settings.drainWarmupEvents / 10),
    }),
  };
}

function timed<T>(label: string, build: () => T): T {
  const started = Date.now();
  const built = build();
  log(`built the ${label} events in ${Date.now() - started} ms`);
  return built;
}

/** The shared servers whose CPU the bench reads, when they run on this machine. */
interface Servers {
  redisPid: number | null;
  postmasterPid: number | null;
}

/** A server's CPU so far, or 0 when it does not run on this machine (or has gone). */
function serverCpu(pid: number | null, read: (pid: number) => number): number {
  if (pid === null) return 0;
  try {
    return read(pid);
  } catch {
    return 0;
  }
}

const redisCpu = (pid: number | null) => serverCpu(pid, processCpuMicros);
/** The postmaster and every backend it started, ended ones included. */
const clusterCpu = (pid: number | null) => serverCpu(pid, processTreeCpuMicros);

async function measureIntake(label: string, server: Child, pools: IntakePools, { redisPid }: Servers): Promise<IntakeFigures> {
  log(`${label}: warm-up ${settings.warmupSeconds}s`);
  await runLoad({ url: server.url, events: pools.warmup, connections: settings.connections, duration: settings.warmupSeconds });
  log(`${label}: saturation ${settings.seconds}s at ${settings.connections} connections`);
  const cpuBefore = server.cpuMicros();
  const redisBefore = redisCpu(redisPid);
  const saturation = await runLoad({
    url: server.url,
    events: pools.saturation,
    connections: settings.connections,
    duration: settings.seconds,
  });
  const serverSpent = server.cpuMicros() - cpuBefore;
  const redisSpent = redisCpu(redisPid) - redisBefore;
  log(
    `${label}: ${saturation.reqPerSec.toFixed(0)} req/s, p99 ${saturation.latency.p99.toFixed(2)} ms, non-2xx ${saturation.non2xx}, errors ${saturation.errors}`,
  );
  log(`${label}: fixed ${settings.fixedRate} req/s for ${settings.seconds}s at ${settings.fixedConnections} connections`);
  const fixed = await runLoad({
    url: server.url,
    events: pools.fixed,
    connections: settings.fixedConnections,
    duration: settings.seconds,
    overallRate: settings.fixedRate,
  });
  log(`${label}: fixed rate p50 ${fixed.latency.p50.toFixed(2)} ms, p99 ${fixed.latency.p99.toFixed(2)} ms, non-2xx ${fixed.non2xx}`);
  return {
    saturation,
    fixed,
    serverCpuMicrosPerRequest: serverSpent / Math.max(1, saturation.requests),
    redisCpuMicrosPerRequest: redisPid === null ? null : redisSpent / Math.max(1, saturation.requests),
    poolWrapped: saturation.eventsUsed > pools.saturation.length || fixed.eventsUsed > pools.fixed.length,
    roundRates: [saturation.reqPerSec],
  };
}

interface DrainProgress {
  done: number;
  dead: number;
}

/**
 * How far a drain is, read from its database. `counts` is polled while the processes under test run,
 * so it must cost Postgres little (an index, never the payloads); `span` scans once, at the end.
 */
interface ProgressSource {
  counts(): Promise<DrainProgress>;
  /** The first and last processed_at. */
  span(): Promise<{ firstAt: Date | null; lastAt: Date | null }>;
}

/** Polls `source` until `expected` more events than `settled` are final, or the drain timeout passes. */
async function waitUntilFinal(source: ProgressSource, expected: number, settled: DrainProgress) {
  const deadline = Date.now() + settings.drainTimeoutMs;
  const final = (state: DrainProgress) => state.done + state.dead - settled.done - settled.dead >= expected;
  let state = await source.counts().catch(() => settled);
  while (!final(state) && Date.now() < deadline) {
    await sleep(250);
    state = await source.counts().catch(() => state);
  }
  return { state, finished: final(state) };
}

/** Posts `events` and waits until Postgres holds them all (or the drain timeout passes). */
async function postAndWait(intake: Child, events: SignedEvent[], settled: DrainProgress, source: ProgressSource) {
  const load: LoadResult = await runLoad({ url: intake.url, events, connections: settings.connections, amount: events.length });
  return { load, ...(await waitUntilFinal(source, load.status2xx, settled)) };
}

/**
 * Both processes first drain `warmup` (other events), so that the measured drain, like the intake
 * phases, runs on processes whose code the JIT has compiled: a long-running service's steady state.
 */
async function measureDrain(
  label: string,
  intake: Child,
  worker: Child,
  events: DrainPools,
  { redisPid, postmasterPid }: Servers,
  progress: ProgressSource,
): Promise<DrainFigures> {
  log(`${label}: warm-up drain of ${events.warmup.length} events`);
  const warmup = await postAndWait(intake, events.warmup, { done: 0, dead: 0 }, progress);
  if (!warmup.finished) throw new Error(`${label}: the warm-up drain did not finish`);
  // The warm-up's dirty pages are written now, not during the measured drain.
  await adminQuery(settings.adminUrl, 'CHECKPOINT');
  log(`${label}: drain of ${events.measured.length} events`);
  const workerCpuBefore = worker.cpuMicros();
  const intakeCpuBefore = intake.cpuMicros();
  const redisCpuBefore = redisCpu(redisPid);
  const postgresCpuBefore = clusterCpu(postmasterPid);
  const { load, state, finished } = await postAndWait(intake, events.measured, warmup.state, progress);
  const processed = state.done - warmup.state.done;
  const dead = state.dead - warmup.state.dead;
  const perEvent = (micros: number) => micros / Math.max(1, processed);
  const cpuPerEvent = {
    intake: perEvent(intake.cpuMicros() - intakeCpuBefore),
    worker: perEvent(worker.cpuMicros() - workerCpuBefore),
    redis: redisPid === null ? null : perEvent(redisCpu(redisPid) - redisCpuBefore),
    postgres: postmasterPid === null ? null : perEvent(clusterCpu(postmasterPid) - postgresCpuBefore),
    generator: perEvent(load.generatorCpuMicros),
  };
  const { lastAt } = finished ? await progress.span() : { lastAt: null };
  const endMs = lastAt ? lastAt.getTime() : Date.now();
  const seconds = (endMs - load.startedAt) / 1000;
  log(
    `${label}: posted in ${((load.finishedAt - load.startedAt) / 1000).toFixed(1)}s (${load.status2xx} answered 2xx); ` +
      `${processed} processed${dead ? `, ${dead} dead` : ''} in ${seconds.toFixed(1)}s${finished ? '' : ' (TIMED OUT)'}`,
  );
  log(
    `${label}: CPU µs/event ${Object.entries(cpuPerEvent)
      .map(([who, micros]) => `${who} ${micros === null ? '–' : micros.toFixed(0)}`)
      .join(', ')}`,
  );
  return {
    events: load.status2xx,
    processed,
    dead,
    seconds,
    eventsPerSecond: processed / seconds,
    finished,
    postNon2xx: load.non2xx + load.errors + warmup.load.non2xx + warmup.load.errors,
    cpuPerEvent,
    roundRates: [processed / seconds],
  };
}

/**
 * The worker alone: the events are queued first with no worker running, then a worker starts and
 * drains the backlog. Rate = events / (last processed_at − first processed_at), so neither the
 * intake nor the worker's boot is counted.
 */
async function measureBacklog(
  label: string,
  intake: Child,
  startWorker: () => Promise<Child>,
  events: SignedEvent[],
  progress: ProgressSource,
): Promise<BacklogFigures> {
  log(`${label}: backlog of ${events.length} events, queued with no worker running`);
  const load = await runLoad({ url: intake.url, events, connections: settings.connections, amount: events.length });
  await stop(intake);
  const worker = await startWorker();
  const cpuBefore = worker.cpuMicros();
  const { state, finished } = await waitUntilFinal(progress, load.status2xx, { done: 0, dead: 0 });
  const cpu = worker.cpuMicros() - cpuBefore;
  await stop(worker);
  const { firstAt, lastAt } = await progress.span();
  const seconds = firstAt && lastAt ? (lastAt.getTime() - firstAt.getTime()) / 1000 : NaN;
  log(`${label}: worker drained ${state.done} in ${seconds.toFixed(1)}s${finished ? '' : ' (TIMED OUT)'}`);
  return {
    events: load.status2xx,
    processed: state.done,
    seconds,
    eventsPerSecond: state.done / seconds,
    finished,
    workerCpuMicrosPerEvent: cpu / Math.max(1, state.done),
  };
}

function baselineProgress(url: string): ProgressSource {
  return {
    counts: async () => {
      const [row] = await queryOnce<{ done: string }>(url, 'SELECT count(*) AS done FROM baseline_processed_events');
      return { done: Number(row.done), dead: 0 };
    },
    span: async () => {
      const [row] = await queryOnce<{ first: Date | null; last: Date | null }>(
        url,
        'SELECT min(processed_at) AS first, max(processed_at) AS last FROM baseline_processed_events',
      );
      return { firstAt: row.first, lastAt: row.last };
    },
  };
}

/** The event log holds each payload: a full scan four times a second cost Postgres more than the drain's own reads. */
function serviceProgress(url: string): ProgressSource {
  return {
    counts: async () => {
      const [row] = await queryOnce<{ done: string; dead: string }>(
        url,
        `SELECT (SELECT count(*) FROM event_log WHERE status IN ('processed', 'ignored')) AS done,
                (SELECT count(*) FROM event_log WHERE status = 'dead') AS dead`,
      );
      return { done: Number(row.done), dead: Number(row.dead) };
    },
    span: async () => {
      const [row] = await queryOnce<{ first: Date | null; last: Date | null }>(
        url,
        'SELECT min(processed_at) AS first, max(processed_at) AS last FROM event_log',
      );
      return { firstAt: row.first, lastAt: row.last };
    },
  };
}

function sumOf<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

/** A per-request or per-event figure over several rounds, weighted by their requests or events; null if a round lacks it. */
function weightedMean<T>(items: readonly T[], pick: (item: T) => number | null, weight: (item: T) => number): number | null {
  if (items.some((item) => pick(item) === null)) return null;
  return sumOf(items, (item) => (pick(item) ?? 0) * weight(item)) / Math.max(1, sumOf(items, weight));
}

/** One side's rounds as one figure: counts and durations summed, latency percentiles averaged over the rounds. */
function combineLoads(rounds: readonly LoadResult[]): LoadResult {
  const sum = (pick: (load: LoadResult) => number) => sumOf(rounds, pick);
  const mean = (pick: (load: LoadResult) => number) => sum(pick) / rounds.length;
  const requests = sum((load) => load.requests);
  const durationSeconds = sum((load) => load.durationSeconds);
  return {
    requests,
    status2xx: sum((load) => load.status2xx),
    non2xx: sum((load) => load.non2xx),
    errors: sum((load) => load.errors),
    timeouts: sum((load) => load.timeouts),
    durationSeconds,
    reqPerSec: requests / durationSeconds,
    latency: {
      p50: mean((load) => load.latency.p50),
      p99: mean((load) => load.latency.p99),
      p999: mean((load) => load.latency.p999),
      max: Math.max(...rounds.map((load) => load.latency.max)),
      mean: mean((load) => load.latency.mean),
    },
    startedAt: Math.min(...rounds.map((load) => load.startedAt)),
    finishedAt: Math.max(...rounds.map((load) => load.finishedAt)),
    eventsUsed: Math.max(...rounds.map((load) => load.eventsUsed)),
    generatorCpuMicros: sum((load) => load.generatorCpuMicros),
  };
}

function combineIntakes(rounds: readonly IntakeFigures[]): IntakeFigures {
  const perRequest = (pick: (figures: IntakeFigures) => number | null) =>
    weightedMean(rounds, pick, (figures) => figures.saturation.requests);
  return {
    saturation: combineLoads(rounds.map((figures) => figures.saturation)),
    fixed: combineLoads(rounds.map((figures) => figures.fixed)),
    serverCpuMicrosPerRequest: perRequest((figures) => figures.serverCpuMicrosPerRequest) ?? 0,
    redisCpuMicrosPerRequest: perRequest((figures) => figures.redisCpuMicrosPerRequest),
    poolWrapped: rounds.some((figures) => figures.poolWrapped),
    roundRates: rounds.map((figures) => figures.saturation.reqPerSec),
  };
}

type Side = 'baseline' | 'service';

/** Both sides' rounds (bench/support/turns.ts), each round's ratio logged as it ends. */
function takeSideTurns<T>(
  phase: string,
  count: number,
  measure: (side: Side, round: number) => Promise<T>,
  ratioOf: (service: T, baseline: T) => number,
): Promise<Record<Side, T[]>> {
  return takeTurns<Side, T>(['baseline', 'service'], count, measure, (round, results) =>
    log(`${phase} round ${round}: ${ratioOf(results.service[round - 1], results.baseline[round - 1]).toFixed(2)}×`),
  );
}

/** The intake alone (nothing consumes), each round on a fresh process and queue prefix. */
async function measureIntakes(pools: IntakePools, servers: Servers): Promise<Record<Side, IntakeFigures>> {
  const intakeDb = await createScratchDatabase(settings.adminUrl, 'bench_intake');
  databases.push(intakeDb);
  const rounds = await takeSideTurns(
    'intake',
    settings.intakeRounds,
    async (side, round) => {
      const queuePrefix = prefix(`${side === 'baseline' ? 'a' : 'svc-intake'}${round}`);
      const server =
        side === 'baseline'
          ? await start('baseline-intake', baselineEnv(queuePrefix, ''), `baseline-intake-${round}`, true)
          : await start('api', { ...serviceEnv(queuePrefix, intakeDb.url), RUN_MIGRATIONS: 'false' }, `service-api-${round}`, true);
      const figures = await measureIntake(`${side === 'baseline' ? 'baseline (a)' : 'service'} #${round}`, server, pools, servers);
      await stop(server);
      await deleteKeysUnder(settings.redisUrl, queuePrefix);
      return figures;
    },
    (service, baseline) => service.saturation.reqPerSec / baseline.saturation.reqPerSec,
  );
  return { baseline: combineIntakes(rounds.baseline), service: combineIntakes(rounds.service) };
}

/** One drain of one side on a fresh database, queue prefix and pair of processes, all removed after it. */
async function drainOnce(side: Side, round: number, pools: DrainPools, servers: Servers): Promise<DrainFigures> {
  const db = await createScratchDatabase(settings.adminUrl, side === 'baseline' ? 'bench_base' : 'bench_svc');
  databases.push(db);
  const queuePrefix = prefix(`${side === 'baseline' ? 'b' : 'svc-drain'}${round}`);
  let intake: Child;
  let worker: Child;
  let progress: ProgressSource;
  if (side === 'baseline') {
    worker = await start('baseline-worker', baselineEnv(queuePrefix, db.url), `baseline-worker-${round}`, true);
    intake = await start('baseline-intake', baselineEnv(queuePrefix, ''), `baseline-intake-drain-${round}`, true);
    progress = baselineProgress(db.url);
  } else {
    worker = await start('worker', serviceEnv(queuePrefix, db.url), `service-worker-${round}`, true);
    intake = await start('api', { ...serviceEnv(queuePrefix, db.url), RUN_MIGRATIONS: 'false' }, `service-api-drain-${round}`, true);
    progress = serviceProgress(db.url);
  }
  const figures = await measureDrain(
    `${side === 'baseline' ? 'baseline (b)' : 'service'} #${round}`,
    intake,
    worker,
    pools,
    servers,
    progress,
  );
  await stop(intake);
  await stop(worker);
  await deleteKeysUnder(settings.redisUrl, queuePrefix);
  // Its files and autovacuum must not weigh on the next round.
  await db.drop();
  return figures;
}

/** The rounds of one side as one figure: events over seconds summed, CPU weighted by events. */
function combineDrains(rounds: readonly DrainFigures[]): DrainFigures {
  const sum = (pick: (figures: DrainFigures) => number) => sumOf(rounds, pick);
  const processed = sum((figures) => figures.processed);
  const seconds = sum((figures) => figures.seconds);
  const cpu = (pick: (cpu: DrainFigures['cpuPerEvent']) => number | null) =>
    weightedMean(
      rounds,
      (figures) => pick(figures.cpuPerEvent),
      (figures) => figures.processed,
    );
  return {
    events: sum((figures) => figures.events),
    processed,
    dead: sum((figures) => figures.dead),
    seconds,
    eventsPerSecond: processed / seconds,
    finished: rounds.every((figures) => figures.finished),
    postNon2xx: sum((figures) => figures.postNon2xx),
    cpuPerEvent: {
      intake: cpu((c) => c.intake) ?? 0,
      worker: cpu((c) => c.worker) ?? 0,
      redis: cpu((c) => c.redis),
      postgres: cpu((c) => c.postgres),
      generator: cpu((c) => c.generator) ?? 0,
    },
    roundRates: rounds.map((figures) => figures.eventsPerSecond),
  };
}

/** Intake and worker together, from the first POST until Postgres holds every event. */
async function measureDrains(pools: DrainPools, servers: Servers): Promise<Record<Side, DrainFigures>> {
  const rounds = await takeSideTurns(
    'drain',
    settings.drainRounds,
    (side, round) => drainOnce(side, round, pools, servers),
    (service, baseline) => service.eventsPerSecond / baseline.eventsPerSecond,
  );
  return { baseline: combineDrains(rounds.baseline), service: combineDrains(rounds.service) };
}

const phaseContext: PhaseContext = {
  log,
  start,
  stop,
  prefix,
  track: (database) => databases.push(database),
};

function runFreshness(): Promise<FreshnessFigures> {
  return measureFreshness(phaseContext, {
    redisUrl: settings.redisUrl,
    adminUrl: settings.adminUrl,
    rate: settings.freshnessRate,
    warmupSeconds: settings.warmupSeconds,
    seconds: settings.freshnessSeconds,
    pollIntervalMs: 10,
  });
}

async function main(): Promise<void> {
  log(`run ${runId}; logs in ${logDir}${settings.cpuProf ? `; CPU profiles in ${profDir}` : ''}`);
  if (settings.cpuProf) mkdirSync(profDir, { recursive: true });
  const machine = await describeMachine(settings.redisUrl, settings.adminUrl);
  const loadBefore = loadavg();
  if (loadBefore[0] > machine.cores * 0.5) {
    log(
      `warning: load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${machine.cores} cores: other work competes with the bench`,
    );
  }
  const servers: Servers = {
    redisPid: await redisServerPid(settings.redisUrl).catch(() => null),
    postmasterPid: await postmasterPid(settings.adminUrl).catch(() => null),
  };
  if (settings.freshnessOnly) {
    const freshness = await runFreshness();
    const table = freshnessRows(freshness).map((row) => `${row[0]}: ${row[1]} (target ${row[4]}: ${row[5]})`);
    process.stdout.write(`\n${table.join('\n')}\n`);
    if (settings.writeDoc) {
      const context = { runId, date: new Date().toISOString(), machine, loadAverage: loadBefore };
      log(`results written to ${writeDocBlock('freshness', renderFreshnessMarkdown(freshness, context))}`);
    }
    return;
  }

  const drainEvents = timed('drain', drainPools);

  if (settings.drainOnly) {
    const drains = await measureDrains(drainEvents, servers);
    log(
      `drain only: service ${drains.service.eventsPerSecond.toFixed(0)} events/s vs baseline ${drains.baseline.eventsPerSecond.toFixed(0)} ` +
        `(${(drains.service.eventsPerSecond / drains.baseline.eventsPerSecond).toFixed(2)}×)`,
    );
    return;
  }

  const { baseline, service } = await measureIntakes(timed('intake', intakePools), servers);
  if (settings.intakeOnly) {
    log(
      `intake only: service ${service.saturation.reqPerSec.toFixed(0)} req/s vs baseline ${baseline.saturation.reqPerSec.toFixed(0)} ` +
        `(${(service.saturation.reqPerSec / baseline.saturation.reqPerSec).toFixed(2)}×); CPU µs/request ${service.serverCpuMicrosPerRequest.toFixed(0)} vs ` +
        `${baseline.serverCpuMicrosPerRequest.toFixed(0)}; p99 at ${settings.fixedRate} req/s ${service.fixed.latency.p99.toFixed(2)} vs ${baseline.fixed.latency.p99.toFixed(2)} ms`,
    );
    return;
  }

  const drains = await measureDrains(drainEvents, servers);

  // The workers alone, on a backlog.
  const baseBacklogDb = await createScratchDatabase(settings.adminUrl, 'bench_base_backlog');
  databases.push(baseBacklogDb);
  const baseBacklogPrefix = prefix('b-backlog');
  // The baseline worker creates its tables at start; create them now so that progress can be polled.
  await (await start('baseline-worker', baselineEnv(baseBacklogPrefix, baseBacklogDb.url), 'baseline-worker-schema')).stop('SIGTERM');
  const baselineBacklog = await measureBacklog(
    'baseline (b)',
    await start('baseline-intake', baselineEnv(baseBacklogPrefix, ''), 'baseline-intake-backlog'),
    () => start('baseline-worker', baselineEnv(baseBacklogPrefix, baseBacklogDb.url), 'baseline-worker-backlog'),
    drainEvents.measured,
    baselineProgress(baseBacklogDb.url),
  );
  const svcBacklogDb = await createScratchDatabase(settings.adminUrl, 'bench_svc_backlog');
  databases.push(svcBacklogDb);
  const svcBacklogPrefix = prefix('svc-backlog');
  // The API applies the migrations here, so that progress can be polled before the worker runs.
  const serviceBacklog = await measureBacklog(
    'service',
    await start('api', serviceEnv(svcBacklogPrefix, svcBacklogDb.url), 'service-api-backlog'),
    () => start('worker', serviceEnv(svcBacklogPrefix, svcBacklogDb.url), 'service-worker-backlog', true),
    drainEvents.measured,
    serviceProgress(svcBacklogDb.url),
  );

  const freshness = await runFreshness();

  const figures: BenchFigures = {
    runId,
    date: new Date().toISOString(),
    settings: {
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      connections: settings.connections,
      fixedRate: settings.fixedRate,
      fixedConnections: settings.fixedConnections,
      drainEvents: settings.drainEvents,
      drainWarmupEvents: settings.drainWarmupEvents,
      drainRounds: settings.drainRounds,
      intakeRounds: settings.intakeRounds,
    },
    machine,
    service: { intake: service, drain: drains.service, backlog: serviceBacklog, freshness },
    baseline: { intake: baseline, drain: drains.baseline, backlog: baselineBacklog },
    loadAverage: { before: loadBefore, after: loadavg() },
    totalSeconds: (Date.now() - benchStarted) / 1000,
  };
  process.stdout.write(`\n${renderConsoleTable(figures)}\n`);
  if (settings.writeDoc) {
    const path = writeBenchmarksDoc(figures);
    log(`results written to ${path}`);
  }
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  for (const child of children) process.stderr.write(`--- ${child.program} (${child.logFile})\n${tail(child.log(), 20)}\n`);
} finally {
  for (const child of children) await child.stop('SIGTERM', 10_000).catch(() => undefined);
  for (const queuePrefix of prefixes) await deleteKeysUnder(settings.redisUrl, queuePrefix).catch(() => undefined);
  for (const database of databases) await database.drop().catch(() => undefined);
  if (failed || process.env.BENCH_KEEP_LOGS === '1') log(`logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
  log(`done in ${((Date.now() - benchStarted) / 1000).toFixed(0)}s`);
}
process.exit(failed ? 1 : 0);
