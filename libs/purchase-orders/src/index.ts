export * from './purchase-order.entity.js';
export * from './purchase-order-state.js';
export * from './purchase-orders.handler.js';
export * from './purchase-orders.module.js';
export * from './purchase-orders.processor.js';
