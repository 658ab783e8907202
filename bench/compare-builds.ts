import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createScratchDatabase } from '../test/support/scratch-database.js';
import { buildEvents } from '../test/support/signed-events.js';
import { runLoad } from './support/load.js';
import { processCpuMicros, startProgram, tail } from '../test/support/processes.js';
import { deleteKeysUnder, redisServerPid } from '../test/support/redis.js';
import { BENCH_SECRET, evenRounds, serviceEnv } from './support/settings.js';
import { takeTurns } from './support/turns.js';

/**
 * `npm run bench:compare`: this build's API against another checkout's (BENCH_OTHER_BUILD, built
 * with `npm run build`), in alternating pairs on fresh processes and queue prefixes, at saturation.
 * It answers "did this change make the intake cheaper" within one run, where the VM's drift makes
 * two separate bench runs incomparable. Settings: BENCH_PAIRS (6, even), BENCH_SECONDS (6),
 * BENCH_MAX_RATE (12000), BENCH_KEEP_LOGS=1, BENCH_REDIS_URL, BENCH_DATABASE_URL.
 */
const other = process.env.BENCH_OTHER_BUILD;
if (!other || !existsSync(join(other, 'dist', 'apps', 'api', 'src', 'main.js'))) {
  throw new Error('BENCH_OTHER_BUILD must name a checkout built with `npm run build`');
}
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  pairs: evenRounds('BENCH_PAIRS', 6),
  seconds: Number(process.env.BENCH_SECONDS ?? 6),
  warmupSeconds: 3,
  connections: 50,
  maxRate: Number(process.env.BENCH_MAX_RATE ?? 12_000),
  keepLogs: process.env.BENCH_KEEP_LOGS === '1',
};
const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'fw-compare-'));

interface Sample {
  reqPerSec: number;
  cpuMicrosPerRequest: number;
  redisMicrosPerRequest: number | null;
}

const builds = { other: resolve(other), this: undefined } as const;
type Build = keyof typeof builds;

const redisPid = await redisServerPid(settings.redisUrl);
const events = buildEvents({
  count: settings.maxRate * (settings.warmupSeconds + settings.seconds),
  secret: BENCH_SECRET,
  tag: `c${runId}`,
  shipments: 2000,
});
const warmup = events.slice(0, settings.maxRate * settings.warmupSeconds);
const measured = events.slice(warmup.length);

/** One sample: a fresh API of `build` on a fresh queue prefix. The webhook path needs no migrated database. */
async function sample(build: Build, pair: number, databaseUrl: string): Promise<Sample> {
  const queuePrefix = `fwb-${runId}-${build}${pair}`;
  const api = await startProgram('api', {
    env: { ...serviceEnv(settings.redisUrl, queuePrefix, databaseUrl), RUN_MIGRATIONS: 'false' },
    logDir,
    label: `${build}-${pair}`,
    repoRoot: builds[build],
  });
  try {
    await runLoad({ url: api.url, events: warmup, connections: settings.connections, duration: settings.warmupSeconds });
    const cpuBefore = api.cpuMicros();
    const redisBefore = redisPid === null ? 0 : processCpuMicros(redisPid);
    const load = await runLoad({ url: api.url, events: measured, connections: settings.connections, duration: settings.seconds });
    if (load.non2xx + load.errors > 0) throw new Error(`${build} answered ${load.non2xx} non-2xx and ${load.errors} errors`);
    const requests = Math.max(1, load.requests);
    return {
      reqPerSec: load.reqPerSec,
      cpuMicrosPerRequest: (api.cpuMicros() - cpuBefore) / requests,
      redisMicrosPerRequest: redisPid === null ? null : (processCpuMicros(redisPid) - redisBefore) / requests,
    };
  } finally {
    const code = await api.stop('SIGTERM');
    if (code !== 0) console.warn(`warning: the ${build} API exited with ${code}\n${tail(api.log(), 15)}`);
    await deleteKeysUnder(settings.redisUrl, queuePrefix);
  }
}

let samples: Record<Build, Sample[]>;
let failed = true;
const database = await createScratchDatabase(settings.adminUrl, 'bench_compare');
try {
  samples = await takeTurns<Build, Sample>(
    ['other', 'this'],
    settings.pairs,
    (build, pair) => sample(build, pair, database.url),
    (pair, results) => {
      const [before, after] = [results.other[pair - 1], results.this[pair - 1]];
      console.log(
        `pair ${pair}: req/s ${before.reqPerSec.toFixed(0)} → ${after.reqPerSec.toFixed(0)}, ` +
          `CPU µs/request ${before.cpuMicrosPerRequest.toFixed(0)} → ${after.cpuMicrosPerRequest.toFixed(0)}`,
      );
    },
  );
  failed = false;
} finally {
  await database.drop();
  if (failed || settings.keepLogs) console.log(`logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const summary = (build: Build) => ({
  reqPerSec: mean(samples[build].map((s) => s.reqPerSec)),
  cpu: mean(samples[build].map((s) => s.cpuMicrosPerRequest)),
  redis: redisPid === null ? null : mean(samples[build].map((s) => s.redisMicrosPerRequest ?? 0)),
});
const [before, after] = [summary('other'), summary('this')];
console.log(`other build (${builds.other}) vs this one, ${settings.pairs} pairs at ${settings.connections} connections:`);
console.log(
  `  req/s          ${before.reqPerSec.toFixed(0)} → ${after.reqPerSec.toFixed(0)} (${(after.reqPerSec / before.reqPerSec).toFixed(2)}×)`,
);
console.log(`  CPU µs/request ${before.cpu.toFixed(0)} → ${after.cpu.toFixed(0)} (${(after.cpu / before.cpu).toFixed(2)}×)`);
if (before.redis !== null && after.redis !== null) {
  console.log(`  Redis µs/request ${before.redis.toFixed(0)} → ${after.redis.toFixed(0)} (${(after.redis / before.redis).toFixed(2)}×)`);
}
