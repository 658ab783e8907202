import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '@app/observability';
import { refusalLine } from './refused-requests.filter.js';
import { WEBHOOK_PATH } from './body-parsers.js';

/**
 * One hook on every response, Nest's own early answers included: it names the request id the
 * request was logged under (the caller's X-Request-Id when sane), and once shutdown begins it says
 * `Connection: close`, without which the server's close waits for clients to drop their keep-alive
 * sockets (seconds, or a load balancer's minutes). A webhook turned away meanwhile (503: Flexport
 * delivers it again) is logged.
 */
export function stampResponses(fastify: FastifyInstance, shuttingDown: () => boolean): void {
  const logger = new Logger('Webhooks');
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (shuttingDown()) {
      void reply.header('Connection', 'close');
      // Nest's own 503: a 503 of the route itself (Redis away) carries Retry-After and was logged with its reason.
      const closingRefusal = reply.statusCode === 503 && reply.getHeader('retry-after') === undefined;
      if (closingRefusal && request.routeOptions.url === WEBHOOK_PATH) logger.warn(refusalLine(request, 503, 'shutting down'));
    }
    done(null, payload);
  });
}
