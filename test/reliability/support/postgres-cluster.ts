import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { queryOnce } from '../../support/scratch-database.js';
import { freePort } from '../../support/processes.js';
import { OwnedServer } from './owned-process.js';

/** The newest PostgreSQL server binaries on the machine (Debian layout), or PG_BIN. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql; set PG_BIN');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function userIds(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', user]).toString().trim()),
  };
}

/**
 * A throw-away PostgreSQL cluster that this test owns: initdb into a temporary directory as the
 * `postgres` OS user (the server refuses to run as root), trust auth, loopback only, on a spare
 * port. It can be stopped and started again on the same data, and is removed by `destroy()`.
 */
export class PostgresCluster extends OwnedServer {
  readonly url: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly ids: { uid: number; gid: number },
  ) {
    super('postgres');
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'fw-rel-pg-'));
    const ids = userIds('postgres');
    chownSync(dir, ids.uid, ids.gid);
    const bin = binDir();
    const cluster = new PostgresCluster(dir, await freePort(), bin, ids);
    try {
      execFileSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], {
        uid: ids.uid,
        gid: ids.gid,
        cwd: dir,
        stdio: 'pipe',
        env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
      });
      mkdirSync(join(dir, 'socket'));
      chownSync(join(dir, 'socket'), ids.uid, ids.gid);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    await this.process.launch(
      join(this.bin, 'postgres'),
      [
        '-D',
        join(this.dir, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${join(this.dir, 'socket')}`,
        '-c',
        'max_connections=300',
        '-c',
        'shared_buffers=128MB',
        '-c',
        'fsync=on',
        '-c',
        'logging_collector=off',
        '-c',
        'log_min_messages=warning',
      ],
      { uid: this.ids.uid, gid: this.ids.gid, cwd: this.dir, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } },
      () => this.answers(),
      { timeoutMs, pollMs: 100 },
    );
  }

  /**
   * Stops the server this object started, by its pid: `fast` (SIGINT: clients disconnected, clean
   * shutdown) or `immediate` (SIGQUIT: no checkpoint, crash recovery at the next start).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast', timeoutMs = 20_000): Promise<void> {
    await this.process.signal(mode === 'fast' ? 'SIGINT' : 'SIGQUIT', timeoutMs);
  }

  answers(): Promise<boolean> {
    return queryOnce(this.url, 'SELECT 1', [], 1000).then(
      () => true,
      () => false,
    );
  }

  databaseUrl(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE "${name}"`);
    return this.databaseUrl(name);
  }

  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    return queryOnce<T>(this.databaseUrl(database), sql, params, 5000);
  }

  /** Stops the server (if it runs) and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
