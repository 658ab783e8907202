import { Module, RequestMethod } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { ProcessingModule } from '@app/processing';
import { QueueModule } from '@app/queue';
import { AdminModule } from './admin/admin.module.js';
import { QueueBoardModule } from './board/queue-board.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReadModule } from './read/read.module.js';
import { WEBHOOK_PATH } from './http/body-parsers.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [
    AppConfigModule,
    // The webhook route writes its own line per request (WebhooksController).
    ObservabilityModule.forRole('api', [{ method: RequestMethod.POST, path: WEBHOOK_PATH }]),
    QueueModule.forRole('producer'),
    DatabaseModule,
    ProcessingModule,
    WebhooksModule,
    ReadModule,
    AdminModule,
    HealthModule,
    MetricsModule,
    QueueBoardModule,
  ],
})
export class ApiModule {}
