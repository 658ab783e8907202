import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository, found from this file whether it runs from test/support/ (ts-jest) or dist/test/support/ (built, for the bench). */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'apps'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no repository root above ${from}`);
}

export const ENTRY = {
  api: 'apps/api/src/main.js',
  worker: 'apps/worker/src/main.js',
  server: 'apps/server/src/main.js',
  'baseline-intake': 'bench/baselines/intake-server.js',
  'baseline-worker': 'bench/baselines/drain-worker.js',
} as const;
export type Program = keyof typeof ENTRY;

export interface Child {
  program: Program;
  pid: number;
  port: number;
  url: string;
  logFile: string;
  child: ChildProcess;
  /** User + system CPU time of the process so far, in microseconds (from /proc/<pid>/stat). */
  cpuMicros(): number;
  log(): string;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export function processCpuMicros(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond();
}

/** The fields of /proc/<pid>/stat after the command name: index 0 is field 3 (state), so field n is at n - 3. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function parentPid(pid: number): number {
  return Number(statFields(pid)[1]);
}

/**
 * CPU so far of a process and all its children, living and ended (the ended ones once reaped, as a
 * postmaster reaps its backends): its own time, its reaped children's, and its living children's.
 * The difference of two readings is the tree's CPU in between, whatever started or ended meanwhile.
 */
export function processTreeCpuMicros(pid: number): number {
  const fields = statFields(pid);
  let ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = statFields(Number(entry));
      if (Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12]);
    } catch {
      // the process ended meanwhile; its parent's reaped time will hold it
    }
  }
  return (ticks * 1_000_000) / ticksPerSecond();
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface StartOptions {
  env: Record<string, string | undefined>;
  /** Directory for the child's log file (stdout and stderr go to a file, not through this process). */
  logDir: string;
  label?: string;
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /** Another checkout whose build to run (bench/compare-builds.ts); this one's by default. */
  repoRoot?: string;
}

/**
 * Runs a built program as its own process, the way it runs in production, and waits until it
 * logs `started (pid N)`. Its output goes to a file so that reading it costs the load generator nothing.
 */
export async function startProgram(program: Program, options: StartOptions): Promise<Child> {
  const httpRole = program !== 'worker' && program !== 'baseline-worker';
  const port = httpRole ? await freePort() : 0;
  const logFile = join(options.logDir, `${options.label ?? program}-${Date.now()}.log`);
  const fd = openSync(logFile, 'a');
  const root = options.repoRoot ?? REPO_ROOT;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'dist', ENTRY[program])], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const handle: Child = {
    program,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    child,
    cpuMicros: () => processCpuMicros(child.pid ?? -1),
    log,
    stop: (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000) => stopChild(child, exited, signal, timeoutMs),
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${program} exited with ${child.exitCode} while starting:\n${tail(log())}`);
    if (/ started \(pid \d+\)/.test(log())) return handle;
    // An HTTP role with quiet logs (LOG_LEVEL=warn) is up once it accepts connections.
    if (httpRole && (await accepts(port))) return handle;
    await sleep(50);
  }
  await handle.stop('SIGKILL');
  throw new Error(`${program} did not start in time:\n${tail(log())}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolveAccepts) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });
}

export function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Sends `signal` to a child and waits for its exit code (null when a signal ended it); SIGKILL after
 * `timeoutMs`. `exited` must have been created when the child was spawned, so no exit is missed.
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<unknown>,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    await exited;
    return child.exitCode;
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));
