export * from './invoice.entity.js';
export * from './invoice-state.js';
export * from './invoices.handler.js';
export * from './invoices.module.js';
export * from './invoices.processor.js';
