export * from './container.entity.js';
export * from './container-state.js';
export * from './containers.module.js';
export * from './containers.processor.js';
export * from './containers.service.js';
