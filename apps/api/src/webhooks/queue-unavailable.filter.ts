import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueueUnavailableError } from '@app/intake';

export const RETRY_AFTER_SECONDS = 5;

/** Redis could not take the event: 503 with Retry-After, so Flexport delivers it again. Nothing was acknowledged. */
@Catch(QueueUnavailableError)
export class QueueUnavailableFilter implements ExceptionFilter {
  private readonly logger = new Logger('Webhooks');

  catch(error: QueueUnavailableError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    this.logger.error({ msg: 'webhook not queued: redis unavailable', reqId: request.id, error: error.message });
    void http.getResponse<FastifyReply>().code(503).header('Retry-After', String(RETRY_AFTER_SECONDS)).send({ error: 'queue_unavailable' });
  }
}
