import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { MilestonesProcessor, TransitProcessor } from './milestones.processor.js';
import { MilestonesService } from './milestones.service.js';
import { ShipmentReader } from './shipment.reader.js';

/** Read side of shipments, with no queue consumer: for the API process. */
@Module({
  providers: [ShipmentReader],
  exports: [ShipmentReader],
})
export class ShipmentsReadModule {}

/** Worker role: consumes the milestones and transit queues. */
@Module({
  imports: [ProcessingModule, ShipmentsReadModule],
  providers: [MilestonesService, MilestonesProcessor, TransitProcessor],
  exports: [MilestonesService, ShipmentsReadModule],
})
export class MilestonesModule {}
