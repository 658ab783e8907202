import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, sleep } from '../../../bench/support/processes.js';

/**
 * A redis-server that this test owns, configured as the contract asks of production: AOF with
 * `appendfsync always` (an acknowledged write is on disk) and `noeviction`. It can be killed with
 * SIGKILL and restarted on the same port and directory, where it reloads its AOF.
 */
export class RedisServer {
  readonly url: string;
  private server?: ChildProcess;
  private output = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async create(): Promise<RedisServer> {
    const server = new RedisServer(mkdtempSync(join(tmpdir(), 'fw-rel-redis-')), await freePort());
    try {
      await server.start();
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  get running(): boolean {
    return this.server !== undefined && this.server.exitCode === null && this.server.signalCode === null;
  }

  log(): string {
    return this.output.slice(-4000);
  }

  async start(timeoutMs = 15_000): Promise<void> {
    if (this.running) return;
    const server = spawn(
      process.env.REDIS_SERVER_BIN ?? 'redis-server',
      [
        '--port', String(this.port),
        '--bind', '127.0.0.1',
        '--dir', this.dir,
        '--appendonly', 'yes',
        '--appendfsync', 'always',
        '--maxmemory-policy', 'noeviction',
        '--save', '',
        '--daemonize', 'no',
        '--protected-mode', 'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } },
    );
    server.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    server.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    this.server = server;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`redis-server exited while starting:\n${this.log()}`);
      if (await this.answers()) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** Kills the server this object started (SIGKILL by default: no chance to flush or save). */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server || !this.running) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill(signal);
    const timer = setTimeout(() => server.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Answers PING with the dataset loaded (a server still loading its AOF answers LOADING). */
  async answers(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async destroy(): Promise<void> {
    await this.kill('SIGKILL').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
