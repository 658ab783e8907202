import { BookingsModule } from '@app/bookings';
import { ContainersModule } from '@app/containers';
import { DatabaseModule } from '@app/database';
import { DocumentsModule } from '@app/documents';
import { InvoicesModule } from '@app/invoices';
import { MilestonesModule } from '@app/milestones';
import { NotificationsModule } from '@app/notifications';
import { ObservabilityModule } from '@app/observability';
import { ProcessingModule, ProcessingWorkerModule } from '@app/processing';
import { PurchaseOrdersModule } from '@app/purchase-orders';
import { QueueModule } from '@app/queue';
import { ReconciliationWorkerModule } from '@app/reconciliation';

/**
 * What the worker role is made of, but its configuration: every queue consumer and what they need.
 * Tests that run a worker in process with a configuration of their own import the same list.
 */
export const WORKER_ROLE_MODULES = [
  ObservabilityModule.forRole('worker'),
  QueueModule.forRole('worker'),
  DatabaseModule,
  ProcessingModule,
  ProcessingWorkerModule,
  MilestonesModule,
  BookingsModule,
  PurchaseOrdersModule,
  InvoicesModule,
  DocumentsModule,
  ContainersModule,
  NotificationsModule,
  ReconciliationWorkerModule,
];
