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
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [
    AppConfigModule,
    ObservabilityModule.forRole('api'),
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
