import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter.js';
import { protectWithBasicAuth } from '../auth/board-auth.hook.js';
import { refuseBoardChanges } from '../board/board-read-only.hook.js';
import { BOARD_ROUTE } from '../board/board-route.js';
import { DOCS_ROUTE } from '../docs/openapi.js';
import { RefusedRequestsFilter } from './refused-requests.filter.js';
import { registerBodyParsers } from './body-parsers.js';
import type { ClosingFastifyAdapter } from './closing-adapter.js';
import { DataExceptionFilter } from './data-exception.filter.js';
import { stampResponses } from './response-hooks.js';
import { sendSecurityHeaders } from './security-headers.js';
import { applyServerTimeouts } from './server-timeouts.js';

/**
 * What every route of the API shares, kept to what each of them uses: the server's timeouts, body
 * parsers (raw bytes for the webhook, JSON only for the rest), request ids, `Connection: close` once
 * shutdown begins, and the error filters (which run only on errors). The board and the docs get
 * their own route hooks (security headers; for the board basic auth and read-only mode), so that no
 * other route pays for them. Call before setupOpenApi and app.init, which register those routes.
 */
export function configureHttp(app: NestFastifyApplication, adapter: ClosingFastifyAdapter, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  applyServerTimeouts(app.getHttpServer(), config.requestTimeoutMs);
  registerBodyParsers(fastify, config.bodyLimitBytes);
  stampResponses(fastify, () => adapter.shuttingDown());
  sendSecurityHeaders(fastify, [BOARD_ROUTE, DOCS_ROUTE]);
  protectWithBasicAuth(fastify, BOARD_ROUTE, config.adminPassword, app.get(AuthFailureLimiter));
  if (config.boardReadOnly) refuseBoardChanges(fastify, BOARD_ROUTE);
  const httpAdapter = app.get(HttpAdapterHost).httpAdapter;
  app.useGlobalFilters(new DataExceptionFilter(httpAdapter), new RefusedRequestsFilter(httpAdapter));
}
