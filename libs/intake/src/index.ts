export * from './intake.module.js';
export * from './intake.service.js';
