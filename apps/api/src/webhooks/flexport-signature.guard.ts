import { CanActivate, ExecutionContext, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import type { TypedConfigService } from '@app/config';
import { SIGNATURE_256_HEADER, SIGNATURE_LEGACY_HEADER, verifiedAlgorithm } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';
import { rawBodyOf } from './raw-body.decorator.js';

/**
 * Flexport's HMAC over the raw request bytes, under any configured secret, in constant time
 * (`X-Hub-Signature-256`, else the legacy `X-Hub-Signature`). Anything else is a 401
 * `{"error":"invalid_signature"}` with a log line and a metric, before the body is looked at. A
 * webhook verified only by HMAC-SHA1 is counted, and refused when ACCEPT_SHA1_SIGNATURES=false.
 */
@Injectable()
export class FlexportSignatureGuard implements CanActivate {
  private readonly logger = new Logger('Webhooks');
  private readonly secrets: readonly string[];
  private readonly acceptSha1: boolean;

  constructor(
    @Inject(ConfigService) config: TypedConfigService,
    private readonly metrics: EventMetrics,
  ) {
    const app = config.get('app', { infer: true });
    this.secrets = app.webhookSecrets;
    this.acceptSha1 = app.acceptSha1Signatures;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body = rawBodyOf(request);
    const algorithm = verifiedAlgorithm(body, request.headers, this.secrets);
    if (algorithm === 'sha256') return true;
    if (algorithm === 'sha1') {
      this.metrics.count(EventCounter.LegacySignature, this.acceptSha1 ? 'accepted' : 'refused');
      if (this.acceptSha1) return true;
    }
    const hasSignature256 = request.headers[SIGNATURE_256_HEADER] !== undefined;
    const hasLegacySignature = request.headers[SIGNATURE_LEGACY_HEADER] !== undefined;
    const reason = algorithm === 'sha1' ? 'sha1_refused' : hasSignature256 || hasLegacySignature ? 'invalid' : 'missing';
    this.metrics.count(EventCounter.SignatureRejected, reason);
    this.logger.warn({
      msg:
        algorithm === 'sha1'
          ? 'webhook rejected: SHA-1 signatures are refused (ACCEPT_SHA1_SIGNATURES=false)'
          : 'webhook rejected: invalid signature',
      reqId: request.id,
      hasSignature256,
      hasLegacySignature,
      bytes: body.length,
    });
    throw new UnauthorizedException({ error: 'invalid_signature' });
  }
}
