import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';

/** The one log line of a webhook refused before the route's handler ran. */
export function refusalLine(request: FastifyRequest, statusCode: number, reason: string) {
  return { msg: 'webhook rejected', reqId: request.id, statusCode, contentLength: request.headers['content-length'], reason };
}

/**
 * Refusals that happen before the route's handler runs (413, 415, a bad Content-Length) get their log
 * line here, then Fastify's own answer. An error handler runs only on errors: the hot path pays
 * nothing for it, where an onResponse hook made Fastify watch every response.
 */
export function logRefusedWebhooks(fastify: FastifyInstance): void {
  const logger = new Logger('Webhooks');
  const answer = fastify.errorHandler;
  fastify.setErrorHandler(function (error: FastifyError, request, reply) {
    const answered = answer.call(this, error, request, reply);
    // Logged after Fastify chose the status, so the line names the one sent.
    const line = refusalLine(request, reply.statusCode, error.message);
    if (reply.statusCode >= 500) logger.error(line);
    else logger.warn(line);
    return answered;
  });
}
