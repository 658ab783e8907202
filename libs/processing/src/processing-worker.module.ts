import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PayloadRetentionProcessor } from './payload-retention.processor.js';
import { ProcessingModule } from './processing.module.js';
import { QuarantineProcessor } from './quarantine.processor.js';
import { UnknownEventsProcessor } from './unknown-events.processor.js';
import { WorkerSupervisor } from './worker-supervisor.js';

/** Worker role only: consumers of the unknown-events, quarantine and maintenance queues, and the consumers' supervisor. */
@Module({
  imports: [DiscoveryModule, ProcessingModule],
  providers: [UnknownEventsProcessor, QuarantineProcessor, PayloadRetentionProcessor, WorkerSupervisor],
})
export class ProcessingWorkerModule {}
