export * from './booking.entity.js';
export * from './booking-state.js';
export * from './bookings.handler.js';
export * from './bookings.module.js';
export * from './bookings.processor.js';
