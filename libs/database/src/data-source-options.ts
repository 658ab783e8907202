import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';

export type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * The one description of the service's database: committed migrations, never `synchronize`. No
 * entities: the service registers each module's own, a DataSource built elsewhere passes
 * `loadEntityClasses()`, and migrations need none.
 */
export function buildDataSourceOptions(
  url: string,
  overrides: Partial<Omit<PostgresDataSourceOptions, 'type'>> = {},
): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: 20,
    connectTimeoutMS: 5000,
    ...overrides,
  };
}
