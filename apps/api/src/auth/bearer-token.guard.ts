import { CanActivate, ExecutionContext, HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthFailureLimiter } from './auth-failure-limiter.js';
import { sameSecret } from './constant-time.js';

export function bearerTokenOf(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
  return match ? match[1] : null;
}

export class TooManyFailuresException extends HttpException {
  constructor() {
    super({ error: 'too_many_requests', message: 'too many failed authentications from this address' }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * `Authorization: Bearer <token>` for one part of the API, compared in constant time; anything else
 * is 401 `{"error":"unauthorized"}`, and 429 once its address failed too often this minute.
 * A null token leaves the routes open (METRICS_TOKEN unset).
 */
export abstract class BearerTokenGuard implements CanActivate {
  protected constructor(
    private readonly token: string | null,
    private readonly realm: string,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.token === null) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const presented = bearerTokenOf(request.headers.authorization);
    // Compared even when absent, so a missing header costs the same as a wrong one.
    const valid = sameSecret(presented ?? '', this.token);
    if (presented !== null && valid) return true;
    const reply = http.getResponse<FastifyReply>();
    const verdict = await this.failures.failed(request);
    if (verdict.exceeded) {
      reply.header('Retry-After', String(verdict.retryAfterSeconds));
      throw new TooManyFailuresException();
    }
    reply.header('WWW-Authenticate', `Bearer realm="${this.realm}"`);
    throw new UnauthorizedException({ error: 'unauthorized' });
  }
}
