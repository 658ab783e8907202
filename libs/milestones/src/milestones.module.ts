import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MilestonesHandler } from './milestones.handler.js';
import { ExceptionsProcessor, MilestonesProcessor, TransitProcessor } from './milestones.processor.js';
import { ShipmentMilestoneEntity } from './shipment-milestone.entity.js';
import { ShipmentEntity } from './shipment.entity.js';
import { ShipmentReader } from './shipment.reader.js';

/** Shipments: the projection and its milestone history, their state rules, the consumers of the milestones and transit queues, and the read side. */
@Module({
  imports: [TypeOrmModule.forFeature([ShipmentEntity, ShipmentMilestoneEntity])],
  providers: [MilestonesHandler, MilestonesProcessor, TransitProcessor, ExceptionsProcessor, ShipmentReader],
  exports: [ShipmentReader],
})
export class MilestonesModule {}
