import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifySignature } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { IntakeService, QueueUnavailableError } from './intake.service.js';

export const RETRY_AFTER_SECONDS = 5;

export interface WebhookRouteDeps {
  intake: IntakeService;
  metrics: EventMetrics;
  secrets: readonly string[];
}

function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * POST /webhooks/flexport as a plain Fastify route: the signature check over the raw bytes, then
 * the intake, and one log line. It is the hot path, so it skips Nest's per-request pipeline
 * (router context, guard, interceptors); its instance's hook (request id, 503 while closing) and
 * body limit still apply (webhook-server.ts). Documented in docs/openapi.ts.
 */
export function registerWebhookRoute(fastify: FastifyInstance, deps: WebhookRouteDeps): void {
  const logger = new Logger('Webhooks');

  function rejectUnsigned(request: FastifyRequest, reply: FastifyReply, body: Buffer) {
    const hasSignature256 = request.headers['x-hub-signature-256'] !== undefined;
    const hasLegacySignature = request.headers['x-hub-signature'] !== undefined;
    deps.metrics.count(EventCounter.SignatureRejected, hasSignature256 || hasLegacySignature ? 'invalid' : 'missing');
    logger.warn({ msg: 'webhook rejected: invalid signature', reqId: request.id, hasSignature256, hasLegacySignature, bytes: body.length });
    return reply.code(401).send({ error: 'invalid_signature' });
  }

  fastify.post(WEBHOOK_PATH, async (request, reply) => {
    const body = rawBodyOf(request);
    if (!verifySignature(body, request.headers, deps.secrets)) return rejectUnsigned(request, reply, body);
    try {
      const result = await deps.intake.accept(body, request.headers['content-type'] ?? null);
      logger.log(Object.assign({ msg: 'webhook', reqId: request.id }, result));
      return result;
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        logger.error({ msg: 'webhook not queued: redis unavailable', reqId: request.id, error: error.message });
        return reply.code(503).header('Retry-After', String(RETRY_AFTER_SECONDS)).send({ error: 'queue_unavailable' });
      }
      logger.error({
        msg: 'webhook failed',
        reqId: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      return reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
    }
  });
}
