import { Module } from '@nestjs/common';
import { IntakeModule } from '@app/intake';
import { FlexportSignatureGuard } from './flexport-signature.guard.js';
import { WebhooksController } from './webhooks.controller.js';

/** Flexport's webhooks: the controller behind its signature guard, calling the intake that queues each event. */
@Module({
  imports: [IntakeModule],
  controllers: [WebhooksController],
  providers: [FlexportSignatureGuard],
})
export class WebhooksModule {}
