import { Module } from '@nestjs/common';
import { IntakeService } from './intake.service.js';

/**
 * The one way an event enters the queues, for webhooks (the API) and reconciliation runs (the
 * worker) alike. Needs QueueModule, ObservabilityModule and the configuration (all global).
 */
@Module({
  providers: [IntakeService],
  exports: [IntakeService],
})
export class IntakeModule {}
