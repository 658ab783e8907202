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
export const DEFAULT_URL = 'http://127.0.0.1:3000/webhooks/flexport';
export const FORMATS: readonly SimulationFormat[] = ['v2', 'compact', 'mixed'];

export interface SimulationOptions {
  url: string;
  secret: string;
  shipments: number;
  format: SimulationFormat;
  shuffle: boolean;
  /** Extra deliveries per event (0.2: a fifth of the events are sent twice). */
  duplicates: number;
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
  const url = input.url ?? DEFAULT_URL;
  const options: SimulationOptions = {
    url,
    secret: input.secret ?? firstSecret(env.FLEXPORT_WEBHOOK_SECRETS) ?? DEVELOPMENT_WEBHOOK_SECRET,
    shipments: input.shipments ?? 10,
    format: input.format ?? 'mixed',
    shuffle: input.shuffle ?? false,
    duplicates: input.duplicates ?? 0,
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
  number('--rate', o.rate, 0, 100_000);
  integer('--concurrency', o.concurrency, 1, 512);
  integer('--retries', o.retries, 0, 20);
  number('--timeout', o.timeoutMs, 0, 24 * 3600_000);
  integer('--seed', o.seed, 0, 2 ** 32 - 1);
}
