import { Module } from '@nestjs/common';
import { BookingsModule } from '@app/bookings';
import { ContainersModule } from '@app/containers';
import { DocumentsModule } from '@app/documents';
import { InvoicesModule } from '@app/invoices';
import { MilestonesModule } from '@app/milestones';
import { PurchaseOrdersModule } from '@app/purchase-orders';
import { ReconciliationModule } from '@app/reconciliation';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { QueueRegistry } from '../queue-registry.js';
import { AdminReconcileController } from './admin-reconcile.controller.js';
import { AdminController } from './admin.controller.js';
import { DeadLettersReader } from './dead-letters.reader.js';
import { RebuildService } from './rebuild.service.js';
import { ReplayService } from './replay.service.js';

/**
 * Dead letters, replays, the projection rebuild and reconciliation runs. The domain modules bring the state rules the
 * rebuild re-applies; their queue consumers do not run in the API process (QueueModule.forRole).
 */
@Module({
  imports: [
    MilestonesModule,
    BookingsModule,
    PurchaseOrdersModule,
    InvoicesModule,
    DocumentsModule,
    ContainersModule,
    ReconciliationModule,
  ],
  controllers: [AdminController, AdminReconcileController],
  providers: [ApiTokenGuard, QueueRegistry, DeadLettersReader, ReplayService, RebuildService],
})
export class AdminModule {}
