import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { TypedConfigService } from '@app/config';
import { EVENT_JOB_OPTIONS } from './job-options.js';
import { ALL_QUEUES } from './queue-names.js';
import { createRedis, redisOptions, RedisRole } from './redis-connection.js';

/** A plain Redis client for the service's own keys (seen-event markers, health), apart from BullMQ's. */
export const REDIS = Symbol('REDIS');

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Registers every queue with Redis options that fit the process role. BullMQ owns (and closes)
 * the connections of its queues and workers; the API and the worker are separate Nest contexts.
 */
@Global()
@Module({})
export class QueueModule {
  static forRole(role: RedisRole): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: TypedConfigService) => {
            const app = config.get('app', { infer: true });
            return {
              connection: { url: app.redisUrl, ...redisOptions(role, app.redisCommandTimeoutMs) } as ConnectionOptions,
              prefix: app.queuePrefix,
              defaultJobOptions: EVENT_JOB_OPTIONS,
            };
          },
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        {
          provide: REDIS,
          inject: [ConfigService],
          useFactory: (config: TypedConfigService) => {
            const app = config.get('app', { infer: true });
            return createRedis(app.redisUrl, role, app.redisCommandTimeoutMs);
          },
        },
        RedisCloser,
      ],
      exports: [BullModule, REDIS],
    };
  }
}
