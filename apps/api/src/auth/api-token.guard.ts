import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypedConfigService } from '@app/config';
import { sameSecret } from './constant-time.js';

export const API_TOKEN_SCHEME = 'bearer';

/** The read and admin API: `Authorization: Bearer $API_TOKEN`, else 401 `{"error":"unauthorized"}`. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly token: string;

  constructor(@Inject(ConfigService) config: TypedConfigService) {
    this.token = config.get('app', { infer: true }).apiToken;
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
    // Compared even when absent, so a missing header costs the same as a wrong one.
    const valid = sameSecret(match?.[1] ?? '', this.token);
    if (match && valid) return true;
    http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="flexport-webhooks"');
    throw new UnauthorizedException({ error: 'unauthorized' });
  }
}
