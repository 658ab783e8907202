import { BadRequestException, HttpException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';

export const WEBHOOK_PATH = '/webhooks/flexport';

/** `application/json` and `application/<anything>+json`, with parameters such as a charset. */
export function isJsonContentType(contentType: string | undefined): boolean {
  const essence = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/**
 * Nest's own exception, so that Nest's filters answer it on Nest's routes; with `statusCode` as
 * well, which the board's (Fastify) error handler reads.
 */
function refusal(exception: HttpException): HttpException {
  return Object.assign(exception, { statusCode: exception.getStatus() });
}

/**
 * One parser for every content type. The webhook route gets the untouched bytes, because the
 * signature is computed over them and a body that is not JSON must still reach quarantine.
 * Every other route changes state only from a JSON body: any other content type is a 415, so a
 * cross-site form (which can only send text/plain, urlencoded or multipart without a preflight)
 * cannot drive it. JSON is parsed as Fastify's own parser does, refusing `__proto__` and
 * `constructor.prototype` keys (prototype poisoning) with a 400. Fastify enforces the body limit (413).
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      if (request.routeOptions.url === WEBHOOK_PATH) return done(null, bytes);
      if (!isJsonContentType(request.headers['content-type'])) {
        return done(
          refusal(
            new UnsupportedMediaTypeException({ error: 'unsupported_media_type', message: 'request bodies must be application/json' }),
          ),
        );
      }
      if (bytes.length === 0) return done(null, undefined);
      try {
        done(null, secureJson.parse(bytes.toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' }));
      } catch {
        // Invalid JSON, or a __proto__ / constructor.prototype key (prototype poisoning).
        done(refusal(new BadRequestException({ error: 'invalid_request', message: ['the request body is not acceptable JSON'] })));
      }
    },
  );
}
