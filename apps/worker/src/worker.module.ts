import { Module } from '@nestjs/common';
import { BookingsModule } from '@app/bookings';
import { AppConfigModule } from '@app/config';
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

/** The worker role: every queue consumer, no HTTP. Boot fails if an event category has no consumer. */
@Module({
  imports: [
    AppConfigModule,
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
  ],
})
export class WorkerModule {}
