import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { WEBHOOK_PATH } from '../http/body-parsers.js';

/** The one log line of a webhook refused before (or instead of) the intake. */
export function refusalLine(request: FastifyRequest, statusCode: number, reason: string) {
  return { msg: 'webhook rejected', reqId: request.id, statusCode, contentLength: request.headers['content-length'], reason };
}

/**
 * Webhooks refused by Fastify before the route runs (413 over the body limit, 415, a bad
 * Content-Length) get their log line here, as the route's own requests are not logged by the
 * request logger; the signature guard logs its 401s itself. Filters run only on errors: the hot
 * path pays nothing for this. Every answer is still Nest's.
 */
@Catch(HttpException)
export class RefusedWebhookFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Webhooks');

  override catch(exception: HttpException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const status = exception.getStatus();
    if (request.routeOptions?.url === WEBHOOK_PATH && status !== 401) this.logger.warn(refusalLine(request, status, exception.message));
    super.catch(exception, host);
  }
}
