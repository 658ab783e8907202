import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

export const METRICS_TOKEN_SCHEME = 'metrics';

/** GET /metrics: `Authorization: Bearer $METRICS_TOKEN` when it is set; open otherwise. */
@Injectable()
export class MetricsTokenGuard extends BearerTokenGuard {
  constructor(@Inject(ConfigService) config: TypedConfigService, failures: AuthFailureLimiter) {
    super(config.get('app', { infer: true }).metricsToken, 'flexport-webhooks metrics', failures);
  }
}
