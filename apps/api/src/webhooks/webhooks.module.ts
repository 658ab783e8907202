import { Module } from '@nestjs/common';
import { IntakeService } from './intake.service.js';

/** The intake's service; its route is registered on Fastify directly (see webhook.route.ts). */
@Module({
  providers: [IntakeService],
  exports: [IntakeService],
})
export class WebhooksModule {}
