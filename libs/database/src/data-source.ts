import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';
import { loadEntityClasses } from './entity-files.js';

/**
 * For the TypeORM CLI only (`npm run migration:run|revert|generate`, against the build in dist/).
 * The service itself reads DATABASE_URL through the validated configuration; its default is the README's.
 * Like the service's own migrations, the CLI prefers the direct connection (DATABASE_DIRECT_URL).
 */
export default new DataSource(
  buildDataSourceOptions(process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres', {
    entities: await loadEntityClasses(),
    poolSize: 2,
  }),
);
