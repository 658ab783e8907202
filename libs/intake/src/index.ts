export * from './intake.module.js';
export * from './intake.service.js';
export * from './listed-event.js';
