import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

/** Key of the session advisory lock that serialises migrations between processes starting together. */
export const MIGRATION_LOCK_KEY = 727_190_001;

export interface MigrationLogger {
  log(message: string): void;
}

/**
 * Applies pending migrations while holding a Postgres advisory lock, so that several API and worker
 * processes starting at once apply them exactly once; the others wait and then find nothing to do.
 * The lock is held on its own connection and dies with it if the process does.
 */
export async function runPendingMigrations(dataSource: DataSource, logger: MigrationLogger = new Logger('Migrations')): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const names = applied.map((migration) => migration.name);
      if (names.length > 0) logger.log(`applied ${names.length} migration(s): ${names.join(', ')}`);
      return names;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}

/** For a process that has no DataSource of its own: connects, migrates, disconnects. */
export async function migrateDatabase(url: string, logger?: MigrationLogger): Promise<string[]> {
  const dataSource = await new DataSource(buildDataSourceOptions(url, { poolSize: 2 })).initialize();
  try {
    return await runPendingMigrations(dataSource, logger);
  } finally {
    await dataSource.destroy();
  }
}
