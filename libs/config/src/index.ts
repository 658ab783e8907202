export * from './app-config.module.js';
export * from './environment.js';
export * from './process-lifecycle.js';
export * from './notify-settings.js';
export * from './redis-cluster.js';
