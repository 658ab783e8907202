import { EventCategory } from '@app/flexport';

/** Every BullMQ queue of the service. Nothing else names a queue. */
export enum QueueName {
  Milestones = 'milestones',
  Transit = 'transit',
  Bookings = 'bookings',
  PurchaseOrders = 'purchase-orders',
  Invoices = 'invoices',
  Documents = 'documents',
  Containers = 'containers',
  Exceptions = 'exceptions',
  UnknownEvents = 'unknown-events',
  Quarantine = 'quarantine',
  Notifications = 'notifications',
}

export enum JobName {
  Event = 'event',
  Quarantined = 'quarantined',
  Notify = 'notify',
}

/** Each event category has its own queue, so its concurrency and failures stay apart. */
export const CATEGORY_QUEUES: Readonly<Record<EventCategory, QueueName>> = {
  [EventCategory.Milestone]: QueueName.Milestones,
  [EventCategory.Transit]: QueueName.Transit,
  [EventCategory.Booking]: QueueName.Bookings,
  [EventCategory.PurchaseOrder]: QueueName.PurchaseOrders,
  [EventCategory.Invoice]: QueueName.Invoices,
  [EventCategory.Document]: QueueName.Documents,
  [EventCategory.Container]: QueueName.Containers,
  [EventCategory.Exception]: QueueName.Exceptions,
  [EventCategory.Unknown]: QueueName.UnknownEvents,
};

export const EVENT_QUEUES: readonly QueueName[] = Object.values(CATEGORY_QUEUES);
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
