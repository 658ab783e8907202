import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { QueueModule } from '@app/queue';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [AppConfigModule, QueueModule.forRole('producer'), WebhooksModule],
})
export class ApiModule {}
