import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { TypedConfigService } from '@app/config';
import { EventMetrics, requestIdOf, useStructuredLogs } from '@app/observability';
import { ApiModule } from './api.module.js';
import { protectWithBasicAuth } from './auth/board-auth.hook.js';
import { BOARD_ROUTE } from './board/queue-board.module.js';
import { setupOpenApi } from './docs/openapi.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { ClosingFastifyAdapter } from './http/closing-adapter.js';
import { DataExceptionFilter } from './http/data-exception.filter.js';
import { closeConnectionsWhen, echoRequestIds } from './http/response-hooks.js';
import { validationPipe } from './http/validation.js';
import { IntakeService } from './webhooks/intake.service.js';
import { WebhookServer } from './webhooks/webhook-server.js';

/** Builds the HTTP application without listening, so tests and the all-in-one server share it. */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const webhooks = new WebhookServer(() => adapter.shuttingDown());
  const adapter: ClosingFastifyAdapter = new ClosingFastifyAdapter({
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    serverFactory: webhooks.serverFactory,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
    // From SIGTERM on, new requests get 503 (Flexport retries); requests in flight finish first.
    return503OnClosing: true,
  });
  useStructuredLogs(app);
  const config = app.get<TypedConfigService>(ConfigService).get('app', { infer: true });
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify, config.bodyLimitBytes);
  closeConnectionsWhen(fastify, () => adapter.shuttingDown());
  echoRequestIds(fastify);
  protectWithBasicAuth(fastify, BOARD_ROUTE, config.adminPassword);
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new DataExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  await webhooks.start(
    { intake: app.get(IntakeService), metrics: app.get(EventMetrics), secrets: config.webhookSecrets },
    config.bodyLimitBytes,
  );
  setupOpenApi(app);
  return app;
}

export async function bootstrapApi(): Promise<NestFastifyApplication> {
  const app = await createApiApp();
  const config = app.get<TypedConfigService>(ConfigService).get('app', { infer: true });
  await app.listen(config.port, config.host);
  return app;
}
