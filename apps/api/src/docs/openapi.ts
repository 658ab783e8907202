import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_TOKEN_SCHEME } from '../auth/api-token.guard.js';
import { BOARD_ROUTE } from '../board/queue-board.module.js';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { WebhookAccepted, WebhookError, WebhookQuarantined } from '../webhooks/webhook-responses.js';

export const DOCS_PATH = 'docs';
export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/** Bull Board's routes are Fastify's, not Nest's: described here so that /docs covers every route. */
function describeBoard(document: OpenAPIObject): OpenAPIObject {
  document.paths[BOARD_ROUTE] = {
    get: {
      tags: ['operations'],
      summary: 'Bull Board: every queue, its jobs and failures (HTML; its assets and JSON API live below this path).',
      security: [{ board: [] }],
      responses: {
        '200': { description: 'The dashboard.', content: { 'text/html': { schema: { type: 'string' } } } },
        '401': { description: 'Missing or wrong credentials (user `admin`, password ADMIN_PASSWORD); carries WWW-Authenticate.' },
      },
    },
  };
  return document;
}

const schemaRef = (model: { name: string }) => ({ $ref: `#/components/schemas/${model.name}` });

/** The webhook route is a plain Fastify route (the hot path skips Nest's pipeline): described here. */
function describeWebhookRoute(document: OpenAPIObject): OpenAPIObject {
  document.paths[WEBHOOK_PATH] = {
    post: {
      tags: ['webhooks'],
      summary: 'Receives a Flexport webhook (API v2 `/event` or compact JSON).',
      description:
        'The HMAC is checked over the raw bytes before anything else. The answer is sent only once the event is durably ' +
        'queued; the same event delivered again is processed once and answered `duplicate`.',
      parameters: [
        {
          name: 'X-Hub-Signature-256',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: '`sha256=<hex HMAC-SHA256>` or bare hex; decides alone when present.',
        },
        {
          name: 'X-Hub-Signature',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'Legacy: `sha1=<hex>` / bare 40 hex (HMAC-SHA1), or sha256.',
        },
      ],
      requestBody: {
        description: 'The event envelope, signed byte for byte.',
        required: true,
        content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
      },
      responses: {
        '200': {
          description: 'Queued, duplicate, or (a signed body that is not an event) quarantined.',
          content: { 'application/json': { schema: { oneOf: [schemaRef(WebhookAccepted), schemaRef(WebhookQuarantined)] } } },
        },
        '401': {
          description: 'Missing, malformed or wrong signature: `{"error":"invalid_signature"}`.',
          content: { 'application/json': { schema: schemaRef(WebhookError) } },
        },
        '413': { description: 'Body over WEBHOOK_BODY_LIMIT_BYTES (1 MiB by default).' },
        '503': {
          description: 'The event could not be queued (Redis unavailable): nothing was acknowledged, retry later.',
          headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
          content: { 'application/json': { schema: schemaRef(WebhookError) } },
        },
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API_TOKEN' }, API_TOKEN_SCHEME)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'user `admin`, password ADMIN_PASSWORD' }, 'board')
    .build();
  const extraModels = [WebhookAccepted, WebhookQuarantined, WebhookError];
  const build = () => describeBoard(describeWebhookRoute(SwaggerModule.createDocument(app, config, { extraModels })));
  SwaggerModule.setup(DOCS_PATH, app, build, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
