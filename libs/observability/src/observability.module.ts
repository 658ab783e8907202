import { DynamicModule, Global, INestApplicationContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { TypedConfigService } from '@app/config';
import { PIPELINE_OBSERVER } from '@app/processing';
import { EventMetrics } from './event-metrics.js';
import { buildLoggerParams } from './logging.js';
import { loggedPaths } from './self-logged.decorator.js';

/**
 * Structured logs (nestjs-pino) and the service's metrics recorder, for either role. Import it once,
 * in the root module; create the application with `bufferLogs: true` and call `useStructuredLogs`.
 * It also makes EventMetrics the event pipeline's observer (PIPELINE_OBSERVER).
 */
@Global()
@Module({})
export class ObservabilityModule {
  /**
   * In the API, a request line is written for the routes of every controller but the @SelfLogged()
   * ones, and for `otherPaths` (routes outside Nest's controllers: the board, the docs), each bound
   * by its first path segment (see loggedPaths).
   */
  static forRole(role: 'api' | 'worker', otherPaths: string[] = []): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          imports: [DiscoveryModule],
          inject: [ConfigService, DiscoveryService],
          useFactory: (config: TypedConfigService, discovery: DiscoveryService) =>
            buildLoggerParams(config.get('app', { infer: true }), role, role === 'api' ? loggedPaths(discovery, otherPaths) : ['*']),
        }),
      ],
      providers: [EventMetrics, { provide: PIPELINE_OBSERVER, useExisting: EventMetrics }],
      exports: [EventMetrics, PIPELINE_OBSERVER],
    };
  }
}

/** Routes Nest's Logger (and every `new Logger(...)`) through pino, and flushes what was buffered. */
export function useStructuredLogs(app: INestApplicationContext): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
}
