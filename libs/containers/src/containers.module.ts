import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { ContainerEntity } from './container.entity.js';
import { ContainersHandler } from './containers.handler.js';
import { ContainersProcessor } from './containers.processor.js';

/** Containers: the projection, its state rules and the consumer of the containers queue. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([ContainerEntity])],
  providers: [ContainersHandler, ContainersProcessor],
})
export class ContainersModule {}
