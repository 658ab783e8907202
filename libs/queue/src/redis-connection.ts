import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { RedisClusterConfig } from '@app/config';
import { endOnDisconnect } from './cluster-disconnect.js';
import { batchWritesPerTurn } from './write-batching.js';

export type RedisRole = 'producer' | 'worker';

/** One Redis, or a Redis Cluster: the commands the service uses are the same on both. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: `cluster` when REDIS_CLUSTER_NODES is set, else `url`. */
export interface RedisTarget {
  url: string;
  cluster: RedisClusterConfig | null;
  commandTimeoutMs: number;
}

const retryStrategy = (times: number) => Math.min(250 * times, 2000);

/**
 * Producers (the intake) must fail fast when Redis is away, so Flexport gets a 503 and retries:
 * no offline queue, a command timeout and one retry. Workers instead wait for Redis to return,
 * as BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function redisOptions(role: RedisRole, commandTimeoutMs: number): RedisOptions {
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

/**
 * The same policy on a cluster. A producer's command for a slot whose master is gone is retried by
 * the client (refreshing the slot map) for at most its deadline, then fails, so the intake answers
 * 503 during a failover instead of waiting for it. A worker's command is retried, more slowly, for
 * about 30 s (`maxRedirections` rounds of redirect, refused connection and delay): long enough for
 * the cluster to promote a replica (node timeout plus an election) at the usual node timeouts.
 */
export function clusterOptions(role: RedisRole, commandTimeoutMs: number, cluster: RedisClusterConfig): ClusterOptions {
  const { enableOfflineQueue, retryStrategy: _, ...node } = redisOptions(role, commandTimeoutMs);
  const patience =
    role === 'worker' ? { maxRedirections: 100, retryDelayOnFailover: 500, retryDelayOnClusterDown: 500, retryDelayOnMoved: 100 } : {};
  return {
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy,
    slotsRefreshTimeout: Math.min(commandTimeoutMs, 1000),
    // No ready check (CLUSTER INFO after the slot map). When it fails, as it can during a failover,
    // ioredis reconnects by itself but never settles the `connect()` it was running, and BullMQ
    // awaits that when it reconnects a worker's blocking connection: the worker would stop taking
    // jobs for good. BullMQ also takes a cluster whose check is under way for ready, and a queue
    // whose first command the producer's cluster then refuses stays broken.
    enableReadyCheck: false,
    ...patience,
    redisOptions: {
      ...node,
      username: cluster.username,
      password: cluster.password,
      ...(cluster.tls ? { tls: {} } : {}),
    },
  };
}

export function createRedis(target: RedisTarget, role: RedisRole): RedisClient {
  if (target.cluster) {
    const client = endOnDisconnect(new Cluster(target.cluster.nodes, clusterOptions(role, target.commandTimeoutMs, target.cluster)));
    // Batch per node connection: each is a socket of its own.
    client.on('+node', (node: Redis) => batchWritesPerTurn(node));
    return client;
  }
  const redis = new Redis(target.url, { ...redisOptions(role, target.commandTimeoutMs), lazyConnect: false });
  batchWritesPerTurn(redis);
  return redis;
}
