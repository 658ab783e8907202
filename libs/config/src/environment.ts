import { Logger } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { ConfigurationError } from './configuration.error.js';
import { checkNotifyUrl, checkSigningSecret, isLoopbackHost } from './notify-settings.js';

export { ConfigurationError };
import { hashTag, parseClusterNodes, RedisClusterConfig } from './redis-cluster.js';

/** Documented in README.md; used only outside production, always with a warning. */
export const DEVELOPMENT_DEFAULTS = {
  FLEXPORT_WEBHOOK_SECRETS: 'whsec_development_only',
  API_TOKEN: 'dev-api-token',
  ADMIN_API_TOKEN: 'dev-admin-api-token',
  ADMIN_PASSWORD: 'dev-admin-password',
  // Standard Webhooks' format: whsec_ + base64 of "flexport-webhooks notify secret, development only".
  NOTIFY_SIGNING_SECRET: 'whsec_ZmxleHBvcnQtd2ViaG9va3Mgbm90aWZ5IHNlY3JldCwgZGV2ZWxvcG1lbnQgb25seQ==',
} as const;

const DAY_SECONDS = 24 * 60 * 60;

/**
 * How long intake remembers an event (answers `duplicate`) by default: the README promises at least
 * 7 days, and Flexport publishes no retry schedule; the eighth day is a margin.
 */
export const DEFAULT_SEEN_TTL_SECONDS = 8 * DAY_SECONDS;
export const MIN_SEEN_TTL_SECONDS = 7 * DAY_SECONDS;

const REQUIRED_IN_PRODUCTION = ['FLEXPORT_WEBHOOK_SECRETS', 'API_TOKEN', 'ADMIN_API_TOKEN', 'ADMIN_PASSWORD'] as const;

/** Credentials a person or a client presents to the service: long and distinct in production. */
const PRESENTED_CREDENTIALS = ['API_TOKEN', 'ADMIN_API_TOKEN', 'ADMIN_PASSWORD', 'METRICS_TOKEN'] as const;
export const MIN_CREDENTIAL_LENGTH = 16;

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
  ADMIN_API_TOKEN?: string;

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  BOARD_READ_ONLY?: string;

  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(300000)
  REQUEST_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  AUTH_FAILURES_PER_MINUTE?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  ACCEPT_SHA1_SIGNATURES?: string;

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

  @IsOptional()
  @IsString()
  FLEXPORT_API_URL?: string;

  @IsOptional()
  @IsString()
  FLEXPORT_API_TOKEN?: string;

  @IsOptional()
  @IsString()
  FLEXPORT_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  FLEXPORT_CLIENT_SECRET?: string;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(7 * 24 * 3600)
  RECONCILE_INTERVAL_S?: number;

  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(365 * 24 * 3600)
  RECONCILE_LOOKBACK_S?: number;

  @IsOptional()
  @IsInt()
  @Min(MIN_SEEN_TTL_SECONDS)
  @Max(365 * DAY_SECONDS)
  SEEN_TTL_SECONDS?: number;

  /** Empty means unset (docker compose passes `${EVENT_PAYLOAD_RETENTION_DAYS:-}`). */
  @Transform(({ obj }: { obj: Record<string, unknown> }) => {
    const raw = obj.EVENT_PAYLOAD_RETENTION_DAYS;
    return raw === undefined || raw === null || String(raw).trim() === '' ? undefined : Number(raw);
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  EVENT_PAYLOAD_RETENTION_DAYS?: number;
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
  /** false: a webhook signed only with HMAC-SHA1 (legacy `X-Hub-Signature: sha1=…`) is refused. */
  acceptSha1Signatures: boolean;
  apiToken: string;
  adminApiToken: string;
  adminPassword: string;
  boardReadOnly: boolean;
  /** null: /metrics needs no credential. */
  metricsToken: string | null;
  requestTimeoutMs: number;
  authFailuresPerMinute: number;
  notifyWebhookUrls: string[];
  notifySigningSecret: string;
  notifyTimeoutMs: number;
  bodyLimitBytes: number;
  workerConcurrency: number;
  redisCommandTimeoutMs: number;
  logLevel: string;
  runMigrations: boolean;
  reconciliation: ReconciliationConfig;
  /** How long intake answers `duplicate` for an event it has queued (its Redis `seen` marker's lifetime). */
  seenTtlSeconds: number;
  /** Null: every payload is kept. Else processed events' payloads are cleared once older than this. */
  eventPayloadRetentionDays: number | null;
}

/** How the service authenticates to Flexport's API; null turns reconciliation off. */
export type FlexportApiCredentials = { kind: 'token'; token: string } | { kind: 'oauth'; clientId: string; clientSecret: string };

export interface ReconciliationConfig {
  /** True when credentials are configured. */
  enabled: boolean;
  /** Base URL of Flexport's API, without a trailing slash. */
  apiUrl: string;
  credentials: FlexportApiCredentials | null;
  intervalS: number;
  lookbackS: number;
}

export const DEFAULT_FLEXPORT_API_URL = 'https://api.flexport.com';

/** In production each credential is long enough not to be guessed, and none opens another's door. */
function checkCredentials(credentials: Record<(typeof PRESENTED_CREDENTIALS)[number], string | null>): void {
  const seen = new Map<string, string>();
  for (const name of PRESENTED_CREDENTIALS) {
    const value = credentials[name];
    if (value === null) continue;
    if (value.length < MIN_CREDENTIAL_LENGTH) {
      throw new ConfigurationError(`${name} must be at least ${MIN_CREDENTIAL_LENGTH} characters when NODE_ENV=production`);
    }
    const twin = seen.get(value);
    if (twin) throw new ConfigurationError(`${name} must differ from ${twin}: each credential opens one part of the service`);
    seen.set(value, name);
  }
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
  const credentials = {
    API_TOKEN: secret('API_TOKEN'),
    ADMIN_API_TOKEN: secret('ADMIN_API_TOKEN'),
    ADMIN_PASSWORD: secret('ADMIN_PASSWORD'),
    METRICS_TOKEN: env.METRICS_TOKEN?.trim() || null,
  };
  if (mode === 'production') checkCredentials(credentials);
  const notifyWebhookUrls = list(env.NOTIFY_WEBHOOK_URLS);
  for (const url of notifyWebhookUrls) checkNotifyUrl(url, mode === 'production');
  if (mode === 'production' && notifyWebhookUrls.length > 0 && !env.NOTIFY_SIGNING_SECRET?.trim()) {
    throw new ConfigurationError('NOTIFY_SIGNING_SECRET is required when NODE_ENV=production and NOTIFY_WEBHOOK_URLS is set');
  }
  const reconciliation = reconciliationConfig(env, mode);
  const notifySigningSecret = env.NOTIFY_SIGNING_SECRET?.trim() || DEVELOPMENT_DEFAULTS.NOTIFY_SIGNING_SECRET;
  checkSigningSecret(notifySigningSecret);
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
    acceptSha1Signatures: env.ACCEPT_SHA1_SIGNATURES !== 'false',
    apiToken: credentials.API_TOKEN,
    adminApiToken: credentials.ADMIN_API_TOKEN,
    adminPassword: credentials.ADMIN_PASSWORD,
    boardReadOnly: env.BOARD_READ_ONLY !== 'false',
    metricsToken: credentials.METRICS_TOKEN,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS ?? 15000,
    authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE ?? 100,
    notifyWebhookUrls,
    notifySigningSecret,
    notifyTimeoutMs: env.NOTIFY_TIMEOUT_MS ?? 10000,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES ?? 1024 * 1024,
    // Per queue: the event pipeline group-commits the jobs in hand, so batches need many of them (README).
    workerConcurrency: env.WORKER_CONCURRENCY ?? 128,
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS ?? 1000,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'warn' : 'info'),
    runMigrations: env.RUN_MIGRATIONS !== 'false',
    reconciliation,
    seenTtlSeconds: env.SEEN_TTL_SECONDS ?? DEFAULT_SEEN_TTL_SECONDS,
    eventPayloadRetentionDays: env.EVENT_PAYLOAD_RETENTION_DAYS ?? null,
  };
}

/**
 * The bearer token is sent to FLEXPORT_API_URL's origin and nowhere else, so the URL must be a plain
 * origin (a path prefix at most) and, in production, encrypted unless it stays on this machine.
 */
function flexportApiUrl(raw: string | undefined, mode: AppConfig['env']): string {
  const value = raw?.trim() || DEFAULT_FLEXPORT_API_URL;
  const fail = (why: string) => new ConfigurationError(`FLEXPORT_API_URL ${why}: ${value}`);
  if (!URL.canParse(value)) throw fail('is not a URL');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('must be an http(s) URL');
  if (url.username || url.password || url.search || url.hash) throw fail('must not carry credentials, a query or a fragment');
  if (mode === 'production' && url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    throw fail('must be https when NODE_ENV=production (plain http only to a loopback host)');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function reconciliationConfig(env: EnvironmentVariables, mode: AppConfig['env']): ReconciliationConfig {
  const token = env.FLEXPORT_API_TOKEN?.trim() || null;
  const clientId = env.FLEXPORT_CLIENT_ID?.trim() || null;
  const clientSecret = env.FLEXPORT_CLIENT_SECRET?.trim() || null;
  if ((clientId === null) !== (clientSecret === null)) {
    const missing = clientId === null ? 'FLEXPORT_CLIENT_ID' : 'FLEXPORT_CLIENT_SECRET';
    throw new ConfigurationError(`${missing} is missing: FLEXPORT_CLIENT_ID and FLEXPORT_CLIENT_SECRET go together`);
  }
  if (token !== null && clientId !== null) {
    throw new ConfigurationError(
      'FLEXPORT_API_TOKEN and FLEXPORT_CLIENT_ID/FLEXPORT_CLIENT_SECRET are exclusive: set one way to authenticate',
    );
  }
  const credentials: FlexportApiCredentials | null =
    token !== null
      ? { kind: 'token', token }
      : clientId !== null && clientSecret !== null
        ? { kind: 'oauth', clientId, clientSecret }
        : null;
  const intervalS = env.RECONCILE_INTERVAL_S ?? 3600;
  const lookbackS = env.RECONCILE_LOOKBACK_S ?? 72 * 3600;
  if (lookbackS < intervalS) {
    // Each run covers the last lookback seconds: a shorter lookback than the interval leaves gaps no run lists.
    throw new ConfigurationError(`RECONCILE_LOOKBACK_S (${lookbackS}) must be at least RECONCILE_INTERVAL_S (${intervalS})`);
  }
  return { enabled: credentials !== null, apiUrl: flexportApiUrl(env.FLEXPORT_API_URL, mode), credentials, intervalS, lookbackS };
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
