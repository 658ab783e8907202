import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { ContainersProcessor } from './containers.processor.js';
import { ContainersService } from './containers.service.js';

/** Worker-side only: it registers the consumer of the containers queue. */
@Module({
  imports: [ProcessingModule],
  providers: [ContainersService, ContainersProcessor],
  exports: [ContainersService, ContainersProcessor],
})
export class ContainersModule {}
