export * from './admin-run.entity.js';
export * from './admin-runs.module.js';
export * from './admin-runs.service.js';
