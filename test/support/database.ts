import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, loadEntityClasses, runPendingMigrations } from '@app/database';

/** The server tests create their databases on; `TEST_DATABASE_URL` may point elsewhere. */
export const TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Set during `npm run test:pgbouncer` (test/pgbouncer/): a PgBouncer in transaction-pooling mode in
 * front of that server; the databases are then reached through it, as a pooled deployment would.
 */
export const testPoolerUrl = (): string | undefined => process.env.TEST_DATABASE_POOLER_URL;

export interface TestDatabase {
  /** Connection string of the fresh database, for DATABASE_URL (through PgBouncer in its run). */
  url: string;
  /** The same database without a pooler in between, for DATABASE_DIRECT_URL. */
  directUrl: string;
  /** Initialised, with every migration applied. */
  dataSource: DataSource;
  /** Closes the DataSource and drops the database (also when other connections are still open). */
  drop(): Promise<void>;
}

const quietLogger = { log: () => undefined };

function databaseUrl(name: string, server = TEST_ADMIN_URL): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database `fw_test_<random>` with all migrations applied (unless `migrate: false`);
 * call `drop()` in afterAll.
 */
export async function createTestDatabase({ migrate = true }: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `fw_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const directUrl = databaseUrl(name);
  const pooler = testPoolerUrl();
  const url = pooler ? databaseUrl(name, pooler) : directUrl;
  let dataSource: DataSource;
  try {
    dataSource = await new DataSource(buildDataSourceOptions(url, { entities: await loadEntityClasses(), poolSize: 30 })).initialize();
    if (migrate) await runPendingMigrations(dataSource, quietLogger);
  } catch (error) {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw error;
  }
  let dropped = false;
  return {
    url,
    directUrl,
    dataSource,
    async drop() {
      if (dropped) return;
      dropped = true;
      if (dataSource.isInitialized) await dataSource.destroy();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
