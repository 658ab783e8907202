import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FreshnessFigures } from '../freshness.js';
import { FRESHNESS_TARGETS } from '../freshness.js';
import type { LoadResult } from './load.js';
import type { Machine } from './machine.js';
import { REPO_ROOT } from '../../test/support/processes.js';

export interface IntakeFigures {
  saturation: LoadResult;
  fixed: LoadResult;
  serverCpuMicrosPerRequest: number;
  redisCpuMicrosPerRequest: number | null;
  /** The pre-signed pool ran out and events were sent twice (then the figures flatter the target). */
  poolWrapped: boolean;
  /** Saturation req/s of each round, when the figure sums several. */
  roundRates: number[];
}

export interface DrainFigures {
  events: number;
  processed: number;
  dead: number;
  seconds: number;
  eventsPerSecond: number;
  finished: boolean;
  postNon2xx: number;
  /** CPU µs per event of each party during the drain, first POST to the last event final. */
  cpuPerEvent: { intake: number; worker: number; redis: number | null; postgres: number | null; generator: number };
  /** Events/s of each round, when the figure sums several. */
  roundRates: number[];
}

export interface BacklogFigures {
  events: number;
  processed: number;
  seconds: number;
  eventsPerSecond: number;
  finished: boolean;
  workerCpuMicrosPerEvent: number;
}

export interface BenchFigures {
  runId: string;
  date: string;
  settings: {
    seconds: number;
    warmupSeconds: number;
    connections: number;
    fixedRate: number;
    fixedConnections: number;
    drainEvents: number;
    drainWarmupEvents: number;
    drainRounds: number;
    intakeRounds: number;
  };
  machine: Machine;
  service: { intake: IntakeFigures; drain: DrainFigures; backlog: BacklogFigures; freshness?: FreshnessFigures };
  baseline: { intake: IntakeFigures; drain: DrainFigures; backlog: BacklogFigures };
  /** 1, 5 and 15 minute load averages: other work on the machine skews every figure. */
  loadAverage: { before: number[]; after: number[] };
  totalSeconds: number;
}

type Row = [metric: string, service: string, baseline: string, ratio: string, target: string, verdict: string];

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (value: number) => fmt(value, value < 10 ? 2 : 1);
const ratio = (service: number, baseline: number) => (baseline === 0 ? 'n/a' : `${fmt(service / baseline, 2)}×`);

function nonOk(intake: IntakeFigures): number {
  return intake.saturation.non2xx + intake.saturation.errors + intake.fixed.non2xx + intake.fixed.errors;
}

export interface Verdicts {
  intake: boolean;
  latency: boolean;
  non2xx: boolean;
  drain: boolean;
}

export function verdicts(f: BenchFigures): Verdicts {
  const s = f.service.intake;
  const b = f.baseline.intake;
  return {
    intake: s.saturation.reqPerSec >= 0.75 * b.saturation.reqPerSec,
    latency: s.fixed.latency.p99 <= 1.5 * b.fixed.latency.p99,
    non2xx: nonOk(s) === 0 && f.service.drain.postNon2xx === 0,
    drain: f.service.drain.finished && f.service.drain.eventsPerSecond >= 1.5 * f.baseline.drain.eventsPerSecond,
  };
}

export function rows(f: BenchFigures): Row[] {
  const s = f.service.intake;
  const b = f.baseline.intake;
  const v = verdicts(f);
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const c = f.settings.connections;
  return [
    [
      'intake req/s, saturation',
      fmt(s.saturation.reqPerSec),
      fmt(b.saturation.reqPerSec),
      ratio(s.saturation.reqPerSec, b.saturation.reqPerSec),
      '≥ 0.75×',
      mark(v.intake),
    ],
    [
      `p50 latency, saturation (${c} conn.), ms`,
      ms(s.saturation.latency.p50),
      ms(b.saturation.latency.p50),
      ratio(s.saturation.latency.p50, b.saturation.latency.p50),
      '',
      '',
    ],
    [
      `p99 latency, saturation, ms`,
      ms(s.saturation.latency.p99),
      ms(b.saturation.latency.p99),
      ratio(s.saturation.latency.p99, b.saturation.latency.p99),
      '',
      '',
    ],
    [
      `p99.9 latency, saturation, ms`,
      ms(s.saturation.latency.p999),
      ms(b.saturation.latency.p999),
      ratio(s.saturation.latency.p999, b.saturation.latency.p999),
      '',
      '',
    ],
    [
      `p50 latency at ${f.settings.fixedRate} req/s, ms`,
      ms(s.fixed.latency.p50),
      ms(b.fixed.latency.p50),
      ratio(s.fixed.latency.p50, b.fixed.latency.p50),
      '',
      '',
    ],
    [
      `p99 latency at ${f.settings.fixedRate} req/s, ms`,
      ms(s.fixed.latency.p99),
      ms(b.fixed.latency.p99),
      ratio(s.fixed.latency.p99, b.fixed.latency.p99),
      '≤ 1.5×',
      mark(v.latency),
    ],
    [
      'non-2xx + socket errors (all runs)',
      fmt(nonOk(s) + f.service.drain.postNon2xx),
      fmt(nonOk(b) + f.baseline.drain.postNon2xx),
      '',
      '0',
      mark(v.non2xx),
    ],
    [
      'intake server CPU µs/request',
      fmt(s.serverCpuMicrosPerRequest),
      fmt(b.serverCpuMicrosPerRequest),
      ratio(s.serverCpuMicrosPerRequest, b.serverCpuMicrosPerRequest),
      '',
      '',
    ],
    [
      'Redis CPU µs/request (intake)',
      s.redisCpuMicrosPerRequest === null ? 'n/a' : fmt(s.redisCpuMicrosPerRequest),
      b.redisCpuMicrosPerRequest === null ? 'n/a' : fmt(b.redisCpuMicrosPerRequest),
      s.redisCpuMicrosPerRequest && b.redisCpuMicrosPerRequest ? ratio(s.redisCpuMicrosPerRequest, b.redisCpuMicrosPerRequest) : '',
      '',
      '',
    ],
    [
      `drain events/s (${f.settings.drainRounds} × ${fmt(f.settings.drainEvents)} events, first POST → all in Postgres)`,
      `${fmt(f.service.drain.eventsPerSecond)}${f.service.drain.finished ? '' : ' (timed out)'}`,
      fmt(f.baseline.drain.eventsPerSecond),
      ratio(f.service.drain.eventsPerSecond, f.baseline.drain.eventsPerSecond),
      '≥ 1.5×',
      mark(v.drain),
    ],
    ...drainCpuRows(f),
    [
      'worker alone, queued backlog: events/s',
      `${fmt(f.service.backlog.eventsPerSecond)}${f.service.backlog.finished ? '' : ' (timed out)'}`,
      fmt(f.baseline.backlog.eventsPerSecond),
      ratio(f.service.backlog.eventsPerSecond, f.baseline.backlog.eventsPerSecond),
      '',
      '',
    ],
    [
      'worker alone: CPU µs/event',
      fmt(f.service.backlog.workerCpuMicrosPerEvent),
      fmt(f.baseline.backlog.workerCpuMicrosPerEvent),
      ratio(f.service.backlog.workerCpuMicrosPerEvent, f.baseline.backlog.workerCpuMicrosPerEvent),
      '',
      '',
    ],
    ...(f.service.freshness ? freshnessRows(f.service.freshness) : []),
  ];
}

const triple = (figure: { p50: number; p99: number; max: number }) => `${ms(figure.p50)} / ${ms(figure.p99)} / ${ms(figure.max)}`;

/** The freshness phase's rows: the service alone (the bare baselines have no read API and send no notification). */
export function freshnessRows(f: FreshnessFigures): Row[] {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const missing = (figure: { missing: number }) => (figure.missing > 0 ? ` (${fmt(figure.missing)} never seen)` : '');
  // The poll reads Postgres directly; the read API must agree on the sample it was asked about.
  const readApiAgrees = f.confirmed.sampled > 0 && f.confirmed.agreed === f.confirmed.sampled;
  const disagreement = readApiAgrees ? '' : ` (the read API confirmed ${fmt(f.confirmed.agreed)} of ${fmt(f.confirmed.sampled)} asked)`;
  return [
    [
      `freshness at ${fmt(f.rate)} events/s: 200 → state in the read API, p50 / p99 / max ms`,
      `${triple(f.state)}${missing(f.state)}${disagreement}`,
      'n/a',
      '',
      `p99 ≤ ${FRESHNESS_TARGETS.stateP99Ms}`,
      mark(f.state.p99 <= FRESHNESS_TARGETS.stateP99Ms && f.state.missing === 0 && readApiAgrees),
    ],
    [
      `freshness at ${fmt(f.rate)} events/s: 200 → milestone notification at the sink, p50 / p99 / max ms`,
      `${triple(f.notification)}${missing(f.notification)}`,
      'n/a',
      '',
      `p99 ≤ ${FRESHNESS_TARGETS.notificationP99Ms}`,
      mark(f.notification.p99 <= FRESHNESS_TARGETS.notificationP99Ms && f.notification.missing === 0),
    ],
  ];
}

/** The freshness phase alone, as a Markdown table with the way it was measured. */
export function renderFreshnessMarkdown(
  f: FreshnessFigures,
  context: { runId: string; date: string; machine: Machine; loadAverage: number[] },
): string {
  const md = (row: Row) => `| ${row.join(' | ')} |`;
  return [
    `Run \`${context.runId}\`, ${context.date}; ${context.machine.cpuModel}, ${context.machine.cores} cores, Node ${context.machine.node}; load average before ${context.loadAverage.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    md(HEADER),
    md(['---', '---:', '---:', '---:', '---', '---']),
    ...freshnessRows(f).map(md),
    '',
    `${fmt(f.sent)} events sent open loop at ${fmt(f.rate)}/s over ${fmt(f.seconds)} s after a warm-up that settled first (${fmt(f.answered)} answered 200); ` +
      `${fmt(f.state.count)} seen committed as processed or ignored (their event-log rows polled by id every ${f.pollIntervalMs} ms: each time is an upper bound within one interval; ` +
      `GET /events/:id asked right after about ${fmt(f.confirmed.sampled)} of them answered ${fmt(f.confirmed.agreed)} processed), ` +
      `${fmt(f.notification.count)} notifications received for the milestones sent once in the run.`,
  ].join('\n');
}

const DRAIN_PARTIES = [
  ['intake', 'intake process'],
  ['worker', 'worker process'],
  ['redis', 'Redis'],
  ['postgres', 'Postgres (its postmaster and backends)'],
  ['generator', 'load generator'],
] as const;

/** Where the drain's CPU goes: the parties share the machine's cores, so their sum bounds the drain rate. */
function drainCpuRows(f: BenchFigures): Row[] {
  const total = (cpu: DrainFigures['cpuPerEvent']) =>
    cpu.redis === null || cpu.postgres === null ? null : cpu.intake + cpu.worker + cpu.redis + cpu.postgres + cpu.generator;
  const row = (label: string, service: number | null, baseline: number | null): Row => [
    `drain CPU µs/event: ${label}`,
    service === null ? 'n/a' : fmt(service),
    baseline === null ? 'n/a' : fmt(baseline),
    service === null || baseline === null ? '' : ratio(service, baseline),
    '',
    '',
  ];
  const s = f.service.drain.cpuPerEvent;
  const b = f.baseline.drain.cpuPerEvent;
  return [...DRAIN_PARTIES.map(([key, label]) => row(label, s[key], b[key])), row('all of them', total(s), total(b))];
}

const HEADER: Row = ['metric', 'service', 'baseline', 'service/baseline', 'target', 'verdict'];

export function renderConsoleTable(f: BenchFigures): string {
  const all = [HEADER, ...rows(f)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: Row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const notes = [
    `baseline = (a) bare Fastify + Queue.add for the intake rows, (b) bare BullMQ worker (concurrency 16) behind (a) for the drain rows`,
    `${f.machine.cpuModel}, ${f.machine.cores} cores, ${f.machine.memoryGiB} GiB, Node ${f.machine.node}; bench took ${fmt(f.totalSeconds)} s`,
    `load average before ${f.loadAverage.before.map((l) => l.toFixed(2)).join(' ')}, after ${f.loadAverage.after.map((l) => l.toFixed(2)).join(' ')}`,
  ];
  if (f.service.intake.poolWrapped || f.baseline.intake.poolWrapped)
    notes.push('WARNING: the pre-signed pool wrapped; raise BENCH_MAX_RATE');
  if (f.service.drain.dead > 0) notes.push(`WARNING: ${f.service.drain.dead} drain events were dead-lettered`);
  return [line(HEADER), rule, ...rows(f).map(line), '', ...notes].join('\n');
}

export function renderMarkdownResults(f: BenchFigures): string {
  const md = (row: Row) => `| ${row.join(' | ')} |`;
  const m = f.machine;
  return [
    `Run \`${f.runId}\`, ${f.date}, ${fmt(f.totalSeconds)} s in all.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node};`,
    `PostgreSQL ${m.postgres}; Redis ${m.redis}. Load generator, Redis, Postgres and the processes under test share the machine.`,
    `Load average (1/5/15 min) before the run ${f.loadAverage.before.map((l) => l.toFixed(2)).join(' / ')}, after ${f.loadAverage.after.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    md(HEADER),
    md(['---', '---:', '---:', '---:', '---', '---']),
    ...rows(f).map(md),
    '',
    `Intake: ${f.settings.intakeRounds} rounds, the two sides taking turns on fresh processes and queues; saturation: ${f.settings.connections} connections for ${f.settings.seconds} s after a ${f.settings.warmupSeconds} s warm-up; fixed rate: autocannon \`overallRate\` ${f.settings.fixedRate} over ${f.settings.fixedConnections} connections for ${f.settings.seconds} s. ` +
      `Req/s over all rounds; latencies are the mean of the rounds' percentiles; saturation ratio per round ${f.service.intake.roundRates.map((rate, i) => ratio(rate, f.baseline.intake.roundRates[i])).join(', ')}.`,
    `Drain: ${f.settings.drainRounds} rounds, the two sides taking turns on fresh processes, databases and queues; in each, after a warm-up drain of ${fmt(f.settings.drainWarmupEvents)} other events, ${fmt(f.settings.drainEvents)} events posted at saturation to the intake while the worker runs. ` +
      `Service ${fmt(f.service.drain.processed)} processed/ignored${f.service.drain.dead ? `, ${f.service.drain.dead} dead` : ''} in ${fmt(f.service.drain.seconds, 1)} s, baseline ${fmt(f.baseline.drain.processed)} in ${fmt(f.baseline.drain.seconds, 1)} s; ` +
      `ratio per round ${f.service.drain.roundRates.map((rate, i) => ratio(rate, f.baseline.drain.roundRates[i])).join(', ')}.`,
    `Worker alone: the same events queued with no worker running, then one worker started; rate over first to last \`processed_at\` (service ${fmt(f.service.backlog.seconds, 1)} s, baseline ${fmt(f.baseline.backlog.seconds, 1)} s).`,
  ].join('\n');
}

/** Replaces the block `<!-- bench:<name>:start -->` … `end` of docs/benchmarks.md, keeping the hand-written text around it. */
export function writeDocBlock(name: string, markdown: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const block = `${start}\n${markdown}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  return path;
}

/** Replaces the results block of docs/benchmarks.md (and the freshness block, when the run measured it). */
export function writeBenchmarksDoc(f: BenchFigures): string {
  if (f.service.freshness) {
    writeDocBlock(
      'freshness',
      renderFreshnessMarkdown(f.service.freshness, { runId: f.runId, date: f.date, machine: f.machine, loadAverage: f.loadAverage.before }),
    );
  }
  return writeDocBlock('results', renderMarkdownResults(f));
}
