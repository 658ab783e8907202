import { Module } from '@nestjs/common';
import { QueueRegistry } from '../queue-registry.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

@Module({
  controllers: [MetricsController],
  providers: [MetricsService, QueueRegistry],
})
export class MetricsModule {}
