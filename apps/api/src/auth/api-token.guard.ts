import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

export const API_TOKEN_SCHEME = 'bearer';

/** The read API: `Authorization: Bearer $API_TOKEN`. It opens no admin route. */
@Injectable()
export class ApiTokenGuard extends BearerTokenGuard {
  constructor(@Inject(ConfigService) config: TypedConfigService, failures: AuthFailureLimiter) {
    super(config.get('app', { infer: true }).apiToken, 'flexport-webhooks', failures);
  }
}
