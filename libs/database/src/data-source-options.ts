import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export const MIGRATIONS_TABLE = 'schema_migrations';

/** The one description of the service's database: entities, committed migrations, never `synchronize`. */
export function buildDataSourceOptions(
  url: string,
  overrides: Partial<Omit<PostgresDataSourceOptions, 'type'>> = {},
): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
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
