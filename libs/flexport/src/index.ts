export * from './catalogue.js';
export * from './dates.js';
export * from './envelope.js';
export * from './event-references.js';
export * from './invalid-event.error.js';
export * from './normalize.js';
export * from './normalized-event.js';
export * from './signature.js';
