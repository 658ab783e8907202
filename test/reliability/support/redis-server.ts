import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../support/processes.js';
import { OwnedServer } from './owned-process.js';

/**
 * A redis-server that this test owns, configured as the contract asks of production: AOF with
 * `appendfsync always` (an acknowledged write is on disk) and `noeviction`. It can be killed with
 * SIGKILL and restarted on the same port and directory, where it reloads its AOF.
 */
export class RedisServer extends OwnedServer {
  readonly url: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly extraArgs: readonly string[],
  ) {
    super('redis-server');
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** `extraArgs` are added to the production configuration (a cluster node's, for one). */
  static async create({ port, extraArgs = [] }: { port?: number; extraArgs?: readonly string[] } = {}): Promise<RedisServer> {
    const server = new RedisServer(mkdtempSync(join(tmpdir(), 'fw-rel-redis-')), port ?? (await freePort()), extraArgs);
    try {
      await server.start();
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  async start(timeoutMs = 15_000): Promise<void> {
    await this.process.launch(
      process.env.REDIS_SERVER_BIN ?? 'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
        '--save',
        '',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        ...this.extraArgs,
      ],
      { env: { PATH: process.env.PATH } },
      () => this.answers(),
      { timeoutMs, pollMs: 50 },
    );
  }

  /** Kills the server this object started (SIGKILL by default: no chance to flush or save). */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    await this.process.signal(signal, timeoutMs);
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
