import { Module } from '@nestjs/common';
import { IntakeModule } from '@app/intake';
import { flexportEventsClientProvider } from './flexport-events.provider.js';
import { KnownEvents } from './known-events.query.js';
import { ReconcileRuns } from './reconcile-runs.service.js';
import { ReconcileSchedule } from './reconcile-schedule.service.js';
import { ReconcileProcessor } from './reconcile.processor.js';
import { ReconcileRunner } from './reconcile.runner.js';

/** For the API process: asks for runs and reads them back; no consumer. Needs QueueModule. */
@Module({
  providers: [ReconcileRuns],
  exports: [ReconcileRuns],
})
export class ReconciliationModule {}

/**
 * Worker role only: the `reconcile` queue's consumer, its schedule, and the client of Flexport's
 * Events API, feeding the same intake as webhooks. Needs DatabaseModule, QueueModule and ObservabilityModule.
 */
@Module({
  imports: [IntakeModule],
  providers: [flexportEventsClientProvider, KnownEvents, ReconcileRunner, ReconcileProcessor, ReconcileSchedule],
})
export class ReconciliationWorkerModule {}
