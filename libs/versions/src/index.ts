export * from './event-version.js';
export * from './field-versions.js';
