import { Module } from '@nestjs/common';
import { IntakeService } from './intake.service.js';
import { SignatureGuard } from './signature.guard.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  controllers: [WebhooksController],
  providers: [IntakeService, SignatureGuard],
})
export class WebhooksModule {}
