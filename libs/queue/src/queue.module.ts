import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import type { ConnectionOptions, Queue, Telemetry } from 'bullmq';
import { AppConfig, TypedConfigService } from '@app/config';
import { bullmqTelemetry } from '@app/tracing';
import { EVENT_JOB_OPTIONS } from './job-options.js';
import { ALL_QUEUES } from './queue-names.js';
import { createRedis, type RedisClient, redisOptions, RedisRole, RedisTarget } from './redis-connection.js';
import { RedisErrorReporter } from './redis-error-reporter.js';

/** The Redis client for the service's own keys (seen-event markers, metrics, health); the API's queues share it. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly reporter = new RedisErrorReporter();

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
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

@Module({})
class RedisClientModule {
  static forRole(role: RedisRole): DynamicModule {
    return {
      module: RedisClientModule,
      providers: [
        {
          provide: REDIS,
          inject: [ConfigService],
          useFactory: (config: TypedConfigService) => createRedis(redisTarget(config.get('app', { infer: true })), role),
        },
      ],
      exports: [REDIS],
    };
  }
}

export function redisTarget(app: AppConfig): RedisTarget {
  return { url: app.redisUrl, cluster: app.redisCluster, commandTimeoutMs: app.redisCommandTimeoutMs };
}

/**
 * Registers every queue with Redis options that fit the process role. A producer (the API) puts
 * all its queues and its own keys on one connection: the commands of concurrent webhooks then share
 * socket writes and reads, which is most of what a command costs here. A producer also registers
 * no queue consumer, although it loads the domain modules that declare them (their state rules serve
 * the rebuild). A worker gives BullMQ connection options instead: it needs blocking connections of
 * its own, which BullMQ owns and closes. On a cluster both roles hand BullMQ their cluster client
 * (BullMQ builds clusters only from a client): the worker's has the worker policy, and BullMQ
 * duplicates it for each blocking connection.
 */
@Global()
@Module({})
export class QueueModule {
  static forRole(role: RedisRole): DynamicModule {
    const redisClient = RedisClientModule.forRole(role);
    return {
      module: QueueModule,
      imports: [
        redisClient,
        BullModule.forRootAsync({
          imports: [redisClient],
          inject: [ConfigService, REDIS],
          useFactory: (config: TypedConfigService, redis: RedisClient) => {
            const app = config.get('app', { infer: true });
            const shared = role === 'producer' || app.redisCluster !== null;
            const connection = shared ? redis : { url: app.redisUrl, ...redisOptions(role, app.redisCommandTimeoutMs) };
            // With tracing on, queues and workers carry the trace context in each job (bullmq-otel).
            const telemetry = bullmqTelemetry<Telemetry>();
            return {
              connection: connection as ConnectionOptions,
              prefix: app.queuePrefix,
              defaultJobOptions: EVENT_JOB_OPTIONS,
              ...(telemetry ? { telemetry } : {}),
            };
          },
          extraOptions: { manualRegistration: role === 'producer' },
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [RedisLifecycle],
      exports: [BullModule, redisClient],
    };
  }
}
