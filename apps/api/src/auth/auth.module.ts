import { Global, Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiTokenGuard } from './api-token.guard.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** The API's credentials, one per part (read, admin, metrics), and the one count of their failures. */
@Global()
@Module({
  providers: [AuthFailureLimiter, ApiTokenGuard, AdminTokenGuard, MetricsTokenGuard],
  exports: [AuthFailureLimiter, ApiTokenGuard, AdminTokenGuard, MetricsTokenGuard],
})
export class AuthModule {}
