import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '@app/observability';

/** Every response names the request id it was logged under (the caller's X-Request-Id when sane). */
export function echoRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}

/**
 * Once shutdown begins, every response still being sent says `Connection: close`. Without it, the
 * server's close waits for the clients to drop their keep-alive sockets (seconds, or a load
 * balancer's minutes).
 */
export function closeConnectionsWhen(fastify: FastifyInstance, shuttingDown: () => boolean): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (shuttingDown()) void reply.header('Connection', 'close');
    done(null, payload);
  });
}
