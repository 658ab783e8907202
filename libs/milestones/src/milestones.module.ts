import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { MilestonesHandler } from './milestones.handler.js';
import { ExceptionsProcessor, MilestonesProcessor, TransitProcessor } from './milestones.processor.js';
import { ShipmentExceptionEntity } from './shipment-exception.entity.js';
import { ShipmentMilestoneEntity } from './shipment-milestone.entity.js';
import { ShipmentEntity } from './shipment.entity.js';
import { ShipmentReader } from './shipment.reader.js';

/** Shipments: the projection and its milestone and exception histories, their state rules, the consumers of the milestones, transit and exceptions queues, and the read side. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([ShipmentEntity, ShipmentMilestoneEntity, ShipmentExceptionEntity])],
  providers: [MilestonesHandler, MilestonesProcessor, TransitProcessor, ExceptionsProcessor, ShipmentReader],
  exports: [ShipmentReader],
})
export class MilestonesModule {}
