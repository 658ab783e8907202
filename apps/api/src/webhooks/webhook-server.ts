import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { REQUEST_ID_HEADER, requestIdOf } from '@app/observability';
import { registerBodyParsers, WEBHOOK_PATH } from '../http/body-parsers.js';
import { closeConnectionsWhen } from '../http/response-hooks.js';
import { logRefusedWebhooks, refusalLine } from './refused-webhook.handler.js';
import { registerWebhookRoute, WebhookRouteDeps } from './webhook.route.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function isWebhookRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return req.method === 'POST' && (url === WEBHOOK_PATH || url.startsWith(`${WEBHOOK_PATH}?`));
}

/**
 * POST /webhooks/flexport is served by a small Fastify instance of its own that shares the API's
 * HTTP server: the server hands that route to it and every other request to Nest. The hot path so
 * skips Nest's per-request hooks and middleware (about a tenth of the intake's CPU) and keeps what
 * it needs of them: the body limit, request ids, 503 and `Connection: close` once shutdown begins.
 */
export class WebhookServer {
  private instance: FastifyInstance | undefined;

  constructor(private readonly isClosing: () => boolean) {}

  /** For the API's Fastify options: builds the one HTTP server, with Fastify's own timeouts. */
  readonly serverFactory = (nestHandler: RequestHandler, options: FastifyServerOptions): Server => {
    const server = createServer((req, res) => {
      const instance = this.instance;
      if (instance && isWebhookRequest(req)) instance.routing(req, res);
      else nestHandler(req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  };

  /** Until this runs, webhook requests reach Nest, which answers 404. */
  async start(deps: WebhookRouteDeps, bodyLimit: number): Promise<void> {
    const instance = Fastify({ genReqId: (req: IncomingMessage) => requestIdOf(req) });
    registerBodyParsers(instance, bodyLimit);
    logRefusedWebhooks(instance);
    const logger = new Logger('Webhooks');
    // One hook for what the API does in two (echoRequestIds and Nest's 503 while closing): each hook costs every request.
    instance.addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      if (!this.isClosing()) return done();
      logger.warn(refusalLine(request, 503, 'shutting down'));
      // Same answer as the rest of the API during shutdown: Flexport retries.
      void reply.code(503).send({ error: 'Service Unavailable', message: 'Service Unavailable', statusCode: 503 });
    });
    closeConnectionsWhen(instance, this.isClosing);
    registerWebhookRoute(instance, deps);
    await instance.ready();
    this.instance = instance;
  }
}
