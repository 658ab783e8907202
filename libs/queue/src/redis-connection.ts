import { Redis, RedisOptions } from 'ioredis';
import { batchWritesPerTurn } from './write-batching.js';

export type RedisRole = 'producer' | 'worker';

/**
 * Producers (the intake) must fail fast when Redis is away, so Flexport gets a 503 and retries:
 * no offline queue, a command timeout and one retry. Workers instead wait for Redis to return,
 * as BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function redisOptions(role: RedisRole, commandTimeoutMs: number): RedisOptions {
  const retryStrategy = (times: number) => Math.min(250 * times, 2000);
  if (role === 'producer') {
    return {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: commandTimeoutMs,
      connectTimeout: commandTimeoutMs,
      retryStrategy,
    };
  }
  return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
}

export function createRedis(url: string, role: RedisRole, commandTimeoutMs = 1000): Redis {
  const redis = new Redis(url, { ...redisOptions(role, commandTimeoutMs), lazyConnect: false });
  batchWritesPerTurn(redis);
  return redis;
}
