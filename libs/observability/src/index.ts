export * from './event-metrics.js';
export * from './logging.js';
export * from './metric-store.js';
export * from './observability.module.js';
export * from './self-logged.decorator.js';
