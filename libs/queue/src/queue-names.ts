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
  /** Runs of reconciliation with Flexport's Events API: scheduled, or asked for by the admin API. */
  Reconcile = 'reconcile',
  /** Scheduled housekeeping (payload retention), one job at a time. */
  Maintenance = 'maintenance',
}

export enum JobName {
  Event = 'event',
  Quarantined = 'quarantined',
  Notify = 'notify',
  Reconcile = 'reconcile',
  ClearPayloads = 'clear-payloads',
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

/**
 * Queues whose consumer takes one job at a time in each process, whatever WORKER_CONCURRENCY says.
 * (A reconciliation run is one long job; one at a time across processes is the queue's global concurrency.)
 */
export const SINGLE_JOB_QUEUES: ReadonlySet<QueueName> = new Set([QueueName.Reconcile, QueueName.Maintenance]);
