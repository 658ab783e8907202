export * from './container.entity.js';
export * from './container-state.js';
export * from './containers.handler.js';
export * from './containers.module.js';
export * from './containers.processor.js';
