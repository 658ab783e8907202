import { Module } from '@nestjs/common';
import { BookingsService } from '@app/bookings';
import { ContainersService } from '@app/containers';
import { DocumentsService } from '@app/documents';
import { InvoicesService } from '@app/invoices';
import { MilestonesService } from '@app/milestones';
import { ProcessingModule } from '@app/processing';
import { PurchaseOrdersService } from '@app/purchase-orders';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { QueueRegistry } from '../queue-registry.js';
import { AdminController } from './admin.controller.js';
import { DeadLettersReader } from './dead-letters.reader.js';
import { RebuildService } from './rebuild.service.js';
import { ReplayService } from './replay.service.js';

/**
 * Dead letters, replays and the projection rebuild. The domain services are the state rules the rebuild
 * re-applies; only their services are provided here, never their queue processors (worker role only).
 */
@Module({
  imports: [ProcessingModule],
  controllers: [AdminController],
  providers: [
    ApiTokenGuard,
    QueueRegistry,
    DeadLettersReader,
    ReplayService,
    RebuildService,
    MilestonesService,
    BookingsService,
    PurchaseOrdersService,
    InvoicesService,
    DocumentsService,
    ContainersService,
  ],
})
export class AdminModule {}
