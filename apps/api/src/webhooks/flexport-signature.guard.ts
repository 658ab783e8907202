import { CanActivate, ExecutionContext, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import type { TypedConfigService } from '@app/config';
import { SIGNATURE_256_HEADER, SIGNATURE_LEGACY_HEADER, verifySignature } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';
import { rawBodyOf } from './raw-body.decorator.js';

/**
 * Flexport's HMAC over the raw request bytes, under any configured secret, in constant time
 * (`X-Hub-Signature-256`, else the legacy `X-Hub-Signature`). Anything else is a 401
 * `{"error":"invalid_signature"}` with a log line and a metric, before the body is looked at.
 */
@Injectable()
export class FlexportSignatureGuard implements CanActivate {
  private readonly logger = new Logger('Webhooks');
  private readonly secrets: readonly string[];

  constructor(
    @Inject(ConfigService) config: TypedConfigService,
    private readonly metrics: EventMetrics,
  ) {
    this.secrets = config.get('app', { infer: true }).webhookSecrets;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body = rawBodyOf(request);
    if (verifySignature(body, request.headers, this.secrets)) return true;
    const hasSignature256 = request.headers[SIGNATURE_256_HEADER] !== undefined;
    const hasLegacySignature = request.headers[SIGNATURE_LEGACY_HEADER] !== undefined;
    this.metrics.count(EventCounter.SignatureRejected, hasSignature256 || hasLegacySignature ? 'invalid' : 'missing');
    this.logger.warn({
      msg: 'webhook rejected: invalid signature',
      reqId: request.id,
      hasSignature256,
      hasLegacySignature,
      bytes: body.length,
    });
    throw new UnauthorizedException({ error: 'invalid_signature' });
  }
}
