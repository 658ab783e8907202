import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { TypedConfigService } from '@app/config';
import { requestIdOf, useStructuredLogs } from '@app/observability';
import { ApiModule } from './api.module.js';
import { setupOpenApi } from './docs/openapi.js';
import { ClosingFastifyAdapter } from './http/closing-adapter.js';
import { configureHttp } from './http/configure-http.js';

/** Builds the HTTP application without listening, so tests and the all-in-one server share it. */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const adapter = new ClosingFastifyAdapter({ genReqId: (req: IncomingMessage) => requestIdOf(req) });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
    // From SIGTERM on, new requests get 503 (Flexport retries); requests in flight finish first.
    return503OnClosing: true,
  });
  useStructuredLogs(app);
  configureHttp(app, adapter, app.get<TypedConfigService>(ConfigService).get('app', { infer: true }));
  setupOpenApi(app);
  return app;
}

export async function bootstrapApi(): Promise<NestFastifyApplication> {
  const app = await createApiApp();
  const config = app.get<TypedConfigService>(ConfigService).get('app', { infer: true });
  await app.listen(config.port, config.host);
  return app;
}
