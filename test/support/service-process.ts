import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, stopChild } from './processes.js';

export { freePort };

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type Role = 'api' | 'worker' | 'server';

const ENTRY: Record<Role, string> = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  server: 'dist/apps/server/src/main.js',
};

export interface ServiceProcess {
  role: Role;
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function uniquePrefix(label = 'test'): string {
  return `fwt-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * Runs a built role (`npm run build` first; `npm test` does) as a child process, the way it runs
 * in production, and waits until it listens (HTTP roles) or logs that it started (worker).
 */
export async function startService(
  role: Role,
  env: Record<string, string | undefined>,
  { startTimeoutMs = 20_000 } = {},
): Promise<ServiceProcess> {
  // Every role migrates and writes its database: a test must never fall back to the shared default.
  if (!env.DATABASE_URL) throw new Error(`startService('${role}') needs DATABASE_URL (createTestDatabase().url)`);
  const port = role === 'worker' ? 0 : await freePort();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, ENTRY[role])], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const service: ServiceProcess = {
    role,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => stopChild(child, exited, signal, timeoutMs),
  };

  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode} while starting:\n${output}`);
    if (/ started \(pid \d+\)/.test(output)) return service;
    await sleep(50);
  }
  await service.stop('SIGKILL');
  throw new Error(`${role} did not start within ${startTimeoutMs} ms:\n${output}`);
}
