import { randomInt } from 'node:crypto';
import { MAX_SHIPMENTS } from './ids.js';
import type { SimulationFormat } from './journey.js';
import type { ProgressMode } from './progress.js';

/**
 * DEVELOPMENT_DEFAULTS of libs/config/src/environment.ts, which the service uses when the variables
 * are unset. Not imported: @app/config validates the whole environment as it loads.
 */
export const DEVELOPMENT_WEBHOOK_SECRET = 'whsec_development_only';
export const DEVELOPMENT_API_TOKEN = 'dev-api-token';
/** What the development service accepts on its admin routes when no token is configured: its API token today. */
export const DEVELOPMENT_ADMIN_TOKEN = DEVELOPMENT_API_TOKEN;
export const WEBHOOK_PATH = '/webhooks/flexport';
export const DEFAULT_URL = `http://127.0.0.1:3000${WEBHOOK_PATH}`;
/** Where the simulated Events API listens by default: point the service's FLEXPORT_API_URL here. */
export const DEFAULT_EVENTS_API_PORT = 4010;
export const DEFAULT_EVENTS_API_TOKEN = 'simulator-flexport-api-token';
/** The OAuth client the simulated Events API accepts, for FLEXPORT_CLIENT_ID / FLEXPORT_CLIENT_SECRET. */
export const SIMULATOR_OAUTH_CLIENT = { clientId: 'simulator-client', clientSecret: 'simulator-client-secret' } as const;
export const FORMATS: readonly SimulationFormat[] = ['v2', 'compact', 'mixed'];

export interface SimulationOptions {
  url: string;
  secret: string;
  shipments: number;
  format: SimulationFormat;
  shuffle: boolean;
  /** Extra deliveries per event (0.2: a fifth of the events are sent twice). */
  duplicates: number;
  /** Share of the events never delivered by webhook (only listed by the simulated Events API). */
  drop: number;
  /** Serve the simulated Events API (always with drop > 0). */
  serveEventsApi: boolean;
  eventsApiHost: string;
  /** 0 picks a free port. */
  eventsApiPort: number;
  eventsApiToken: string;
  /** After sending, ask the service to reconcile the run's window (POST /admin/reconcile) and wait for it. */
  reconcile: boolean;
  adminToken: string;
  /** Deliveries started per second; 0 for no limit beyond the concurrency. */
  rate: number;
  concurrency: number;
  retries: number;
  requestTimeoutMs: number;
  verify: boolean;
  apiUrl: string;
  apiToken: string;
  timeoutMs: number;
  pollIntervalMs: number;
  seed: number;
  startAt?: string;
  progress: ProgressMode;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

export type SimulationInput = Partial<SimulationOptions>;

export class UsageError extends Error {
  override name = 'UsageError';
}

function firstSecret(list: string | undefined): string | undefined {
  return list
    ?.split(',')
    .map((item) => item.trim())
    .find((item) => item !== '');
}

/** Fills in defaults (the local development service) and rejects values that cannot work. */
export function resolveOptions(input: SimulationInput, env: NodeJS.ProcessEnv = process.env): SimulationOptions {
  const url = webhookUrl(input.url ?? DEFAULT_URL);
  const drop = input.drop ?? 0;
  const serveEventsApi = input.serveEventsApi ?? (drop > 0 || input.eventsApiPort !== undefined);
  const options: SimulationOptions = {
    url,
    secret: input.secret ?? firstSecret(env.FLEXPORT_WEBHOOK_SECRETS) ?? DEVELOPMENT_WEBHOOK_SECRET,
    shipments: input.shipments ?? 10,
    format: input.format ?? 'mixed',
    shuffle: input.shuffle ?? false,
    duplicates: input.duplicates ?? 0,
    drop,
    serveEventsApi,
    eventsApiHost: input.eventsApiHost ?? '127.0.0.1',
    eventsApiPort: input.eventsApiPort ?? DEFAULT_EVENTS_API_PORT,
    eventsApiToken: input.eventsApiToken ?? DEFAULT_EVENTS_API_TOKEN,
    reconcile: input.reconcile ?? serveEventsApi,
    adminToken: input.adminToken ?? (env.ADMIN_API_TOKEN?.trim() || DEVELOPMENT_ADMIN_TOKEN),
    rate: input.rate ?? 0,
    concurrency: input.concurrency ?? 16,
    retries: input.retries ?? 3,
    requestTimeoutMs: input.requestTimeoutMs ?? 10_000,
    verify: input.verify ?? false,
    apiUrl: input.apiUrl ?? originOf(url),
    apiToken: input.apiToken ?? (env.API_TOKEN?.trim() || DEVELOPMENT_API_TOKEN),
    timeoutMs: input.timeoutMs ?? 60_000,
    pollIntervalMs: input.pollIntervalMs ?? 1_000,
    seed: input.seed ?? randomInt(0, 2 ** 31),
    startAt: input.startAt,
    progress: input.progress ?? 'auto',
    output: input.output ?? process.stdout,
  };
  validate(options);
  return options;
}

/**
 * A deployment's base URL means its webhook endpoint: `http://127.0.0.1:3000` posts to
 * `http://127.0.0.1:3000/webhooks/flexport`. Any other path is taken as the endpoint itself.
 */
export function webhookUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.pathname !== '/' || parsed.search !== '') return url;
  return `${parsed.origin}${WEBHOOK_PATH}`;
}

/** The read API lives beside the webhook endpoint unless told otherwise; a bad --url is reported by validate. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url;
}

function validate(o: SimulationOptions): void {
  const integer = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  };
  const number = (name: string, value: number, min: number, max: number) => {
    if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`${name} must be a number from ${min} to ${max}`);
  };
  for (const [name, value] of [
    ['--url', o.url],
    ['--api-url', o.apiUrl],
  ] as const) {
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
      throw new UsageError(`${name} must be an http(s) URL: ${value}`);
  }
  if (o.secret === '') throw new UsageError('--secret must not be empty');
  integer('--shipments', o.shipments, 1, MAX_SHIPMENTS);
  if (!FORMATS.includes(o.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  number('--duplicates', o.duplicates, 0, 10);
  number('--drop', o.drop, 0, 1);
  if (o.drop > 0 && !o.serveEventsApi) throw new UsageError('--drop needs the simulated Events API: dropped events are listed there only');
  integer('--events-api-port', o.eventsApiPort, 0, 65535);
  if (o.eventsApiToken === '') throw new UsageError('--events-api-token must not be empty');
  if (o.reconcile && !o.serveEventsApi) throw new UsageError('reconciling needs the simulated Events API (--drop or --events-api-port)');
  number('--rate', o.rate, 0, 100_000);
  integer('--concurrency', o.concurrency, 1, 512);
  integer('--retries', o.retries, 0, 20);
  number('--timeout', o.timeoutMs, 0, 24 * 3600_000);
  integer('--seed', o.seed, 0, 2 ** 32 - 1);
}
