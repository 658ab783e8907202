import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventLogStore } from './event-log.store.js';
import { EventPipeline } from './event-pipeline.service.js';
import { HandlerRegistry } from './handler-registry.js';
import { IgnoredEventsHandler } from './ignored-events.handler.js';

/**
 * The event pipeline, without any queue consumer: safe to import in the API process (replays).
 * Needs DatabaseModule. Global, so domain modules may import it or not.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [EventPipeline, EventLogStore, HandlerRegistry, IgnoredEventsHandler],
  exports: [EventPipeline, EventLogStore, HandlerRegistry, IgnoredEventsHandler],
})
export class ProcessingModule {}
