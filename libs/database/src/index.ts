export * from './data-source-options.js';
export * from './database.module.js';
export * from './entity-files.js';
export * from './migrate.js';
export * from './migrations/index.js';
export * from './sql.js';
export * from './projection.entity.js';
