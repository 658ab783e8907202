import { Module } from '@nestjs/common';
import { FlexportSignatureGuard } from './flexport-signature.guard.js';
import { IntakeService } from './intake.service.js';
import { WebhooksController } from './webhooks.controller.js';

/** Flexport's webhooks: the controller behind its signature guard, and the intake that queues each event. */
@Module({
  controllers: [WebhooksController],
  providers: [IntakeService, FlexportSignatureGuard],
  exports: [IntakeService],
})
export class WebhooksModule {}
