import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { WORKER_ROLE_MODULES } from './worker-role.modules.js';

/** The worker role: every queue consumer, no HTTP. Boot fails if an event category has no consumer. */
@Module({
  imports: [AppConfigModule, ...WORKER_ROLE_MODULES],
})
export class WorkerModule {}
