export * from './data-source-options.js';
export * from './database.module.js';
export * from './dead-letter.entity.js';
export * from './entities.js';
export * from './event-log.entity.js';
export * from './migrate.js';
export * from './migrations/index.js';
