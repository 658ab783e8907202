export * from './document.entity.js';
export * from './document-state.js';
export * from './documents.handler.js';
export * from './documents.module.js';
export * from './documents.processor.js';
