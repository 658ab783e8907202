import { Logger } from '@nestjs/common';
import { DataSource, MigrationExecutor } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

/** Key of the advisory lock that serialises migrations between processes starting together. */
export const MIGRATION_LOCK_KEY = 727_190_001;

export interface MigrationLogger {
  log(message: string): void;
}

/**
 * Applies pending migrations under a Postgres advisory lock, so that several API and worker
 * processes starting at once apply them exactly once; the others wait and then find nothing to do.
 * The lock, the read of what is applied and every pending migration share one transaction on one
 * connection: a transaction-scoped lock, unlike a session's, holds through a transaction pooler
 * (PgBouncer's `pool_mode = transaction` gives each transaction, not each client, a server
 * connection), and a failed upgrade leaves the schema as it was.
 */
export async function runPendingMigrations(dataSource: DataSource, logger: MigrationLogger = new Logger('Migrations')): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      await runner.commitTransaction();
      const names = applied.map((migration) => migration.name);
      if (names.length > 0) logger.log(`applied ${names.length} migration(s): ${names.join(', ')}`);
      return names;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/** For a process that has no DataSource of its own, or migrates over another connection: connects, migrates, disconnects. */
export async function migrateDatabase(url: string, logger?: MigrationLogger): Promise<string[]> {
  const dataSource = await new DataSource(buildDataSourceOptions(url, { poolSize: 2 })).initialize();
  try {
    return await runPendingMigrations(dataSource, logger);
  } finally {
    await dataSource.destroy();
  }
}
