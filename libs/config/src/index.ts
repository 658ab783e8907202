export * from './app-config.module.js';
export * from './environment.js';
