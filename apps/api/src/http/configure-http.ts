import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { protectWithBasicAuth } from '../auth/board-auth.hook.js';
import { BOARD_ROUTE } from '../board/board-route.js';
import { RefusedWebhookFilter } from '../webhooks/refused-webhook.filter.js';
import { registerBodyParsers } from './body-parsers.js';
import type { ClosingFastifyAdapter } from './closing-adapter.js';
import { DataExceptionFilter } from './data-exception.filter.js';
import { stampResponses } from './response-hooks.js';

/**
 * What every route of the API shares, kept to what each of them uses: body parsers (raw bytes for
 * the webhook, JSON for the rest), request ids, `Connection: close` once shutdown begins, and the
 * error filters (which run only on errors). Basic auth is added to the board's routes alone.
 */
export function configureHttp(app: NestFastifyApplication, adapter: ClosingFastifyAdapter, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, config.bodyLimitBytes);
  stampResponses(fastify, () => adapter.shuttingDown());
  protectWithBasicAuth(fastify, BOARD_ROUTE, config.adminPassword);
  const httpAdapter = app.get(HttpAdapterHost).httpAdapter;
  app.useGlobalFilters(new DataExceptionFilter(httpAdapter), new RefusedWebhookFilter(httpAdapter));
}
