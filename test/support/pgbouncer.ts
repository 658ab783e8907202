import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, sleep, stopChild } from './processes.js';

export interface PgBouncerOptions {
  /** The Postgres server it pools for (every database on it, by the same name). */
  serverHost?: string;
  serverPort?: number;
  /** Server connections per (database, user): fewer than the clients', so transactions share them. */
  poolSize?: number;
}

export type PgBouncerShow = 'STATS' | 'POOLS' | 'DATABASES';

/** The rows of the admin console's SHOW command (`STATS`, `POOLS`, …) of the PgBouncer behind `url`. */
export async function pgbouncerShow(url: string, what: PgBouncerShow): Promise<Record<string, string>[]> {
  const admin = new URL(url);
  admin.pathname = '/pgbouncer';
  // The admin console speaks the simple query protocol only: a query without parameters.
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(`SHOW ${what}`)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The `postgres` OS user when running as root (PgBouncer refuses to run as root), else ourselves. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PgBouncer that the test owns, in transaction-pooling mode (`pool_mode = transaction`: a
 * client holds a server connection for one transaction at a time), on a spare loopback port in
 * front of a Postgres server with trust auth: Debian's `pgbouncer` (PGBOUNCER_BIN elsewhere) with a
 * generated ini in a temporary directory. `stop()` ends it by its own pid and removes the directory.
 */
export class PgBouncer {
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<unknown>,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start({ serverHost = '127.0.0.1', serverPort = 5432, poolSize = 10 }: PgBouncerOptions = {}): Promise<PgBouncer> {
    const dir = mkdtempSync(join(tmpdir(), 'fw-pgbouncer-'));
    const port = await freePort();
    const ids = runAs();
    writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${serverHost} port=${serverPort}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'admin_users = postgres',
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 2000',
        'server_login_retry = 1',
        '',
      ].join('\n'),
    );
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const child = spawn(process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer', [join(dir, 'pgbouncer.ini')], {
      ...ids,
      cwd: dir,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const bouncer = new PgBouncer(port, dir, child, exited);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await bouncer.answers()) return bouncer;
      await sleep(50);
    }
    const output = bouncer.output;
    await bouncer.stop();
    throw new Error(`pgbouncer did not start:\n${output}`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The connection string of `database` through the pooler. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  show(what: PgBouncerShow): Promise<Record<string, string>[]> {
    return pgbouncerShow(this.url('postgres'), what);
  }

  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    // SIGTERM: immediate shutdown; the tests are done with it.
    await stopChild(this.child, this.exited, 'SIGTERM', 5000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    return this.show('POOLS').then(
      () => true,
      () => false,
    );
  }
}
