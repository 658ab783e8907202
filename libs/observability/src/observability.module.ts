import { DynamicModule, Global, INestApplicationContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { TypedConfigService } from '@app/config';
import { PIPELINE_OBSERVER } from '@app/processing';
import { EventMetrics } from './event-metrics.js';
import { buildLoggerParams, SelfLoggedRoute } from './logging.js';

/**
 * Structured logs (nestjs-pino) and the service's metrics recorder, for either role. Import it once,
 * in the root module; create the application with `bufferLogs: true` and call `useStructuredLogs`.
 * It also makes EventMetrics the event pipeline's observer (PIPELINE_OBSERVER).
 */
@Global()
@Module({})
export class ObservabilityModule {
  /** `selfLoggedRoutes`: routes that write their own log line, which the request logger skips. */
  static forRole(role: 'api' | 'worker', selfLoggedRoutes: SelfLoggedRoute[] = []): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: TypedConfigService) => buildLoggerParams(config.get('app', { infer: true }), role, selfLoggedRoutes),
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
