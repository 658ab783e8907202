import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { WEBHOOK_PATH } from './body-parsers.js';

/** The one log line of a webhook refused before (or instead of) the intake. */
export function refusalLine(request: FastifyRequest, statusCode: number, reason: string) {
  return { msg: 'webhook rejected', reqId: request.id, statusCode, contentLength: request.headers['content-length'], reason };
}

/**
 * Log lines for the refusals no route logs itself: webhooks refused by Fastify before the route runs
 * (413 over the body limit, 415, a bad Content-Length; the signature guard logs its 401s), and
 * requests that match no route at all (the request logger is bound to routes). Filters run only on
 * errors: the hot path pays nothing for this. Every answer is still Nest's.
 */
@Catch(HttpException)
export class RefusedRequestsFilter extends BaseExceptionFilter {
  private readonly webhooks = new Logger('Webhooks');
  private readonly http = new Logger('Http');

  override catch(exception: HttpException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const status = exception.getStatus();
    const route = request.routeOptions?.url;
    if (route === WEBHOOK_PATH && status !== 401) this.webhooks.warn(refusalLine(request, status, exception.message));
    if (route === undefined)
      this.http.warn({ msg: 'no such route', reqId: request.id, method: request.method, url: request.url, statusCode: status });
    super.catch(exception, host);
  }
}
