import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueueUnavailableError } from '@app/intake';

export const RETRY_AFTER_SECONDS = 5;

/**
 * What the webhook route answers when it cannot accept an event: Redis could not take it (503 with
 * Retry-After, so Flexport delivers it again; nothing was acknowledged), or a fault of ours (500,
 * logged with the request id). HTTP errors (the guard's 401) keep Nest's answer.
 */
@Catch()
export class WebhookErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Webhooks');

  override catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof HttpException) return super.catch(error, host);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (error instanceof QueueUnavailableError) {
      this.logger.error({ msg: 'webhook not queued: redis unavailable', reqId: request.id, error: error.message });
      void reply.code(503).header('Retry-After', String(RETRY_AFTER_SECONDS)).send({ error: 'queue_unavailable' });
      return;
    }
    this.logger.error({
      msg: 'webhook failed',
      reqId: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    void reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
  }
}
