export * from './event-handler.js';
export * from './event-version.js';
