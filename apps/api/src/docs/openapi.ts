import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ADMIN_TOKEN_SCHEME } from '../auth/admin-token.guard.js';
import { API_TOKEN_SCHEME } from '../auth/api-token.guard.js';
import { METRICS_TOKEN_SCHEME } from '../auth/metrics-token.guard.js';
import { BOARD_ROUTE } from '../board/board-route.js';

export const DOCS_PATH = 'docs';
export const DOCS_ROUTE = `/${DOCS_PATH}`;
export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/** Bull Board's routes are Fastify's, not Nest's: described here so that /docs covers every route. */
function describeBoard(document: OpenAPIObject): OpenAPIObject {
  document.paths[BOARD_ROUTE] = {
    get: {
      tags: ['operations'],
      summary: 'Bull Board: every queue, its jobs and failures (HTML; its assets and JSON API live below this path).',
      description:
        'Read-only unless BOARD_READ_ONLY=false: every route below this path that is not a GET answers 403 ' +
        '`{"error":"board_read_only"}`. When writable, request bodies must be application/json (415 otherwise).',
      security: [{ board: [] }],
      responses: {
        '200': { description: 'The dashboard.', content: { 'text/html': { schema: { type: 'string' } } } },
        '401': { description: 'Missing or wrong credentials (user `admin`, password ADMIN_PASSWORD); carries WWW-Authenticate.' },
        '429': { description: 'Too many failed authentications from this address this minute; carries Retry-After.' },
      },
    },
  };
  return document;
}

/** Swagger UI at /docs, the OpenAPI document at /docs/openapi.json; no auth. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('flexport-webhooks')
    .setDescription(
      'Receives Flexport webhooks, verifies and queues them, and serves a mirror of shipments, bookings, purchase orders, ' +
        'invoices, documents and containers. Times are ISO-8601 UTC; money is a decimal string with a currency code.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API_TOKEN (read API)' }, API_TOKEN_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN (admin API)' }, ADMIN_TOKEN_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set' }, METRICS_TOKEN_SCHEME)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'user `admin`, password ADMIN_PASSWORD' }, 'board')
    .build();
  const build = () => describeBoard(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup(DOCS_PATH, app, build, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
