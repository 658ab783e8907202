import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import type { ConnectionOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TypedConfigService } from '@app/config';
import { EVENT_JOB_OPTIONS } from './job-options.js';
import { ALL_QUEUES } from './queue-names.js';
import { createRedis, redisOptions, RedisRole } from './redis-connection.js';
import { RedisErrorReporter } from './redis-error-reporter.js';

/** A plain Redis client for the service's own keys (seen-event markers, health), apart from BullMQ's. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly reporter = new RedisErrorReporter();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.redis.on('error', (error) => this.reporter.report('client', error));
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error) => this.reporter.report(`queue ${name}`, error));
    }
  }

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
        RedisLifecycle,
      ],
      exports: [BullModule, REDIS],
    };
  }
}
