import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypedConfigService } from '@app/config';
import { ApiModule } from './api.module.js';
import { registerBodyParsers } from './http/body-parsers.js';

/** Builds the HTTP application without listening, so tests and the all-in-one server share it. */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, new FastifyAdapter(), {
    bodyParser: false,
    bufferLogs: false,
  });
  const config = app.get<TypedConfigService>(ConfigService).get('app', { infer: true });
  registerBodyParsers(app.getHttpAdapter().getInstance(), config.bodyLimitBytes);
  return app;
}

export async function bootstrapApi(): Promise<NestFastifyApplication> {
  const app = await createApiApp();
  const config = app.get<TypedConfigService>(ConfigService).get('app', { infer: true });
  await app.listen(config.port, config.host);
  return app;
}
