export * from './job-data.js';
export * from './job-options.js';
export * from './queue-names.js';
export * from './queue.module.js';
export * from './redis-connection.js';
export * from './enqueue-once.js';
export * from './write-batching.js';
export * from './within-ms.js';
