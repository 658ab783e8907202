import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchRunner } from './batch.runner.js';
import { DeadLetterEntity } from './dead-letter.entity.js';
import { EventLogEntity } from './event-log.entity.js';
import { EventLogStore } from './event-log.store.js';
import { EventPipeline } from './event-pipeline.service.js';
import { EventReplayQueries } from './event-replay.queries.js';
import { HandlerRegistry } from './handler-registry.js';
import { PayloadRetentionCursorEntity } from './payload-retention-cursor.entity.js';
import { PayloadRetention } from './payload-retention.service.js';
import { RunReporter } from './run-reporter.js';
import { SingleEventRunner } from './single-event.runner.js';

/**
 * The event log, the dead letters and the event pipeline, without any queue consumer: safe to import
 * in the API process (replays). Needs DatabaseModule. Global, so domain modules need not import it.
 */
@Global()
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([EventLogEntity, DeadLetterEntity, PayloadRetentionCursorEntity])],
  providers: [
    EventPipeline,
    EventLogStore,
    EventReplayQueries,
    HandlerRegistry,
    RunReporter,
    SingleEventRunner,
    BatchRunner,
    PayloadRetention,
  ],
  exports: [EventPipeline, EventLogStore, EventReplayQueries, HandlerRegistry, PayloadRetention],
})
export class ProcessingModule {}
