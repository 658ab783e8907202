import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import type { AllConfig } from '@app/config';
import { verifySignature } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';

export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Rejects any request whose raw bytes were not signed with one of the configured secrets. */
@Injectable()
export class SignatureGuard implements CanActivate {
  private readonly logger = new Logger(SignatureGuard.name);
  private readonly secrets: readonly string[];

  constructor(
    config: ConfigService<AllConfig, true>,
    private readonly metrics: EventMetrics,
  ) {
    this.secrets = config.get('app', { infer: true }).webhookSecrets;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (verifySignature(rawBodyOf(request), request.headers, this.secrets)) return true;
    const signed = request.headers['x-hub-signature-256'] !== undefined || request.headers['x-hub-signature'] !== undefined;
    this.metrics.count(EventCounter.SignatureRejected, signed ? 'invalid' : 'missing');
    this.logger.warn({
      msg: 'webhook rejected: invalid signature',
      reqId: request.id,
      hasSignature256: request.headers['x-hub-signature-256'] !== undefined,
      hasLegacySignature: request.headers['x-hub-signature'] !== undefined,
      bytes: rawBodyOf(request).length,
    });
    throw new UnauthorizedException({ error: 'invalid_signature' });
  }
}
