import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { hashTag, parseClusterNodes, RedisClusterConfig } from './redis-cluster.js';

/** Documented in README.md; used only outside production, always with a warning. */
export const DEVELOPMENT_DEFAULTS = {
  FLEXPORT_WEBHOOK_SECRETS: 'whsec_development_only',
  API_TOKEN: 'dev-api-token',
  ADMIN_PASSWORD: 'dev-admin-password',
  NOTIFY_SIGNING_SECRET: 'whsec_notify_development_only',
} as const;

const REQUIRED_IN_PRODUCTION = ['FLEXPORT_WEBHOOK_SECRETS', 'API_TOKEN', 'ADMIN_PASSWORD'] as const;

export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  DATABASE_DIRECT_URL?: string;

  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @IsString()
  QUEUE_PREFIX?: string;

  @IsOptional()
  @IsString()
  FLEXPORT_WEBHOOK_SECRETS?: string;

  @IsOptional()
  @IsString()
  API_TOKEN?: string;

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsString()
  NOTIFY_WEBHOOK_URLS?: string;

  @IsOptional()
  @IsString()
  NOTIFY_SIGNING_SECRET?: string;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(120000)
  NOTIFY_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT_BYTES?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  RUN_MIGRATIONS?: string;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string;
  /** For what a transaction pooler cannot carry (migrations and their session lock); DATABASE_URL when unset. */
  databaseDirectUrl: string;
  redisUrl: string;
  /** Set when the service runs on a Redis Cluster (REDIS_CLUSTER_NODES); `redisUrl` is then unused. */
  redisCluster: RedisClusterConfig | null;
  queuePrefix: string;
  webhookSecrets: string[];
  apiToken: string;
  adminPassword: string;
  notifyWebhookUrls: string[];
  notifySigningSecret: string;
  notifyTimeoutMs: number;
  bodyLimitBytes: number;
  workerConcurrency: number;
  redisCommandTimeoutMs: number;
  logLevel: string;
  runMigrations: boolean;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Validates the environment once at boot and turns it into typed configuration.
 * In production a missing secret stops start-up; elsewhere a development value is used, loudly.
 */
export function loadAppConfig(raw: Record<string, unknown>, logger = new Logger('Config')): AppConfig {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const details = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ConfigurationError(`Invalid configuration: ${details}`);
  }
  const mode = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  const secret = (name: keyof typeof DEVELOPMENT_DEFAULTS): string => {
    const value = (env[name] ?? '').trim();
    if (value !== '') return value;
    if (mode === 'production' && (REQUIRED_IN_PRODUCTION as readonly string[]).includes(name)) {
      throw new ConfigurationError(`${name} is required when NODE_ENV=production`);
    }
    if (mode === 'development') {
      logger.warn(`${name} is not set: using the DEVELOPMENT value from README.md. Never run like this in production.`);
    }
    return DEVELOPMENT_DEFAULTS[name];
  };
  const webhookSecrets = list(secret('FLEXPORT_WEBHOOK_SECRETS'));
  const notifyWebhookUrls = list(env.NOTIFY_WEBHOOK_URLS);
  for (const url of notifyWebhookUrls) {
    if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new ConfigurationError(`NOTIFY_WEBHOOK_URLS: not an http(s) URL: ${url}`);
  }
  if (mode === 'production' && notifyWebhookUrls.length > 0 && !env.NOTIFY_SIGNING_SECRET?.trim()) {
    throw new ConfigurationError('NOTIFY_SIGNING_SECRET is required when NODE_ENV=production and NOTIFY_WEBHOOK_URLS is set');
  }
  const queuePrefix = env.QUEUE_PREFIX?.trim() || 'flexport';
  const redisCluster = clusterConfig(env, queuePrefix);
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  return {
    env: mode,
    host: env.HOST ?? '0.0.0.0',
    port: env.PORT ?? 3000,
    databaseUrl,
    databaseDirectUrl: env.DATABASE_DIRECT_URL?.trim() || databaseUrl,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisCluster,
    queuePrefix,
    webhookSecrets,
    apiToken: secret('API_TOKEN'),
    adminPassword: secret('ADMIN_PASSWORD'),
    notifyWebhookUrls,
    notifySigningSecret: env.NOTIFY_SIGNING_SECRET?.trim() || DEVELOPMENT_DEFAULTS.NOTIFY_SIGNING_SECRET,
    notifyTimeoutMs: env.NOTIFY_TIMEOUT_MS ?? 10000,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES ?? 1024 * 1024,
    // Per queue: the event pipeline group-commits the jobs in hand, so batches need many of them (README).
    workerConcurrency: env.WORKER_CONCURRENCY ?? 128,
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS ?? 1000,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'warn' : 'info'),
    runMigrations: env.RUN_MIGRATIONS !== 'false',
  };
}

/**
 * REDIS_CLUSTER_NODES selects cluster mode. Every key the service writes must then share one slot
 * (BullMQ's scripts and the intake's job-and-marker script touch several keys at once), so the
 * prefix must be a hash tag; and REDIS_URL must not name another Redis at the same time.
 */
function clusterConfig(env: EnvironmentVariables, queuePrefix: string): RedisClusterConfig | null {
  const nodes = env.REDIS_CLUSTER_NODES?.trim();
  if (!nodes) return null;
  if (env.REDIS_URL?.trim()) {
    throw new ConfigurationError(
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis, or REDIS_CLUSTER_NODES for a cluster',
    );
  }
  let cluster: RedisClusterConfig;
  try {
    cluster = parseClusterNodes(nodes);
  } catch (error) {
    throw new ConfigurationError(`REDIS_CLUSTER_NODES: ${(error as Error).message}`);
  }
  if (hashTag(queuePrefix) === null) {
    throw new ConfigurationError(
      `QUEUE_PREFIX must hold a Redis hash tag, such as {flexport}, when REDIS_CLUSTER_NODES is set (got ${queuePrefix}): ` +
        'every key of the service must share one cluster slot',
    );
  }
  return cluster;
}
