import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';

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
  REDIS_URL?: string;

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
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
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
  reconciliation: ReconciliationConfig;
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
  const reconciliation = reconciliationConfig(env, mode);
  return {
    env: mode,
    host: env.HOST ?? '0.0.0.0',
    port: env.PORT ?? 3000,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: env.QUEUE_PREFIX?.trim() || 'flexport',
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
    reconciliation,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
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
  if (mode === 'production' && url.protocol !== 'https:' && !isLoopback(url.hostname)) {
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
