import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { loggedByRoute } from './webhook.route.js';

/**
 * The webhook route is kept out of per-request HTTP logging (it was a third of the intake's CPU);
 * webhook.route.ts writes its one line. Refusals that happen before its handler runs (413, a bad
 * content type, 503 while shutting down) get their line here.
 */
export function logRejectedWebhooks(fastify: FastifyInstance): void {
  const logger = new Logger('Webhooks');
  fastify.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode >= 400 && !loggedByRoute(request) && request.routeOptions.url === WEBHOOK_PATH) {
      logger.warn({ msg: 'webhook rejected', reqId: request.id, statusCode: reply.statusCode, contentLength: request.headers['content-length'] });
    }
    done();
  });
}
