import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { ProcessingModule } from '@app/processing';
import { QueueModule } from '@app/queue';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { QueueBoardModule } from './board/queue-board.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReadModule } from './read/read.module.js';
import { BOARD_ROUTE } from './board/board-route.js';
import { DOCS_ROUTE } from './docs/openapi.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [
    AppConfigModule,
    // Routes outside the controllers that get a request line too (the webhook writes its own: @SelfLogged()).
    ObservabilityModule.forRole('api', [BOARD_ROUTE, DOCS_ROUTE]),
    QueueModule.forRole('producer'),
    DatabaseModule,
    ProcessingModule,
    AuthModule,
    WebhooksModule,
    ReadModule,
    AdminModule,
    HealthModule,
    MetricsModule,
    QueueBoardModule,
  ],
})
export class ApiModule {}
