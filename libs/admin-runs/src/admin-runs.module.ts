import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminRunEntity } from './admin-run.entity.js';
import { AdminRuns } from './admin-runs.service.js';

/** Background admin runs (replay, rebuild, reconcile…): one per kind at a time. Needs DatabaseModule. */
@Module({
  imports: [TypeOrmModule.forFeature([AdminRunEntity])],
  providers: [AdminRuns],
  exports: [AdminRuns],
})
export class AdminRunsModule {}
