export * from './milestone-listener.js';
export * from './milestones.handler.js';
export * from './milestones.module.js';
export * from './milestones.processor.js';
export * from './shipment-milestone.entity.js';
export * from './shipment-state.js';
export * from './shipment.entity.js';
export * from './shipment.reader.js';
