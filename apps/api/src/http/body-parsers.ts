import type { FastifyInstance, FastifyRequest } from 'fastify';

export const WEBHOOK_PATH = '/webhooks/flexport';

type ParserError = Error & { statusCode?: number };

/**
 * One parser for every content type. The webhook route gets the untouched bytes, because the
 * signature is computed over them and a body that is not JSON must still reach quarantine.
 * Other routes get JSON, or a 400 when it does not parse. Fastify enforces the body limit (413).
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      if (request.routeOptions.url === WEBHOOK_PATH) return done(null, bytes);
      if (bytes.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(bytes.toString('utf8')));
      } catch {
        const error: ParserError = new Error('Request body is not valid JSON');
        error.statusCode = 400;
        done(error);
      }
    },
  );
}
