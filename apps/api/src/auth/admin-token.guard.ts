import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

export const ADMIN_TOKEN_SCHEME = 'admin';

/** The admin API: `Authorization: Bearer $ADMIN_API_TOKEN`. The read token is refused here (401). */
@Injectable()
export class AdminTokenGuard extends BearerTokenGuard {
  constructor(@Inject(ConfigService) config: TypedConfigService, failures: AuthFailureLimiter) {
    super(config.get('app', { infer: true }).adminApiToken, 'flexport-webhooks admin', failures);
  }
}
