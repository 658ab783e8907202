import { Module } from '@nestjs/common';
import { MilestonesModule } from '@app/milestones';
import { QueueRegistry } from '../queue-registry.js';
import { EventsController } from './events.controller.js';
import { EventsReader } from './events.reader.js';
import { ProjectionsController } from './projections.controller.js';
import { ProjectionsReader } from './projections.reader.js';
import { ShipmentsController } from './shipments.controller.js';
import { TimelineReader } from './timeline.reader.js';

/** The read API of README "Reading state": queries only, never a write. */
@Module({
  imports: [MilestonesModule],
  controllers: [ShipmentsController, ProjectionsController, EventsController],
  providers: [ProjectionsReader, EventsReader, TimelineReader, QueueRegistry],
})
export class ReadModule {}
