import type { LoggedPath } from './self-logged.decorator.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination, DestinationStream, stdTimeFunctions } from 'pino';
import type { AppConfig } from '@app/config';
import { CoalescingWriter } from './coalescing-writer.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = Symbol('requestId');
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const REDACTED = '[redacted]';

/** A caller's X-Request-Id when it is a sane token, else a new UUID. Remembered on the request. */
export function requestIdOf(req: IncomingMessage): string {
  const carrier = req as IncomingMessage & { [REQUEST_ID]?: string };
  if (carrier[REQUEST_ID]) return carrier[REQUEST_ID];
  const header = req.headers[REQUEST_ID_HEADER];
  const id = typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID();
  carrier[REQUEST_ID] = id;
  return id;
}

/** Keys whose string values are never logged, at any depth of a log line's object. */
const SENSITIVE_KEY = /pass(word|wd)?$|secret|token|authori[sz]ation|cookie|signature|api[-_]?key|credential/i;

/**
 * Copies plain objects and arrays with credential-like keys redacted. Class instances (the raw
 * request and response pino-http passes, errors, buffers) are left whole: their serialisers copy
 * only harmless fields, and walking them costs more than the rest of a request.
 */
export function scrubSensitiveKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubSensitiveKeys(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const sensitive = SENSITIVE_KEY.test(key) && (typeof item === 'string' || Buffer.isBuffer(item) || Array.isArray(item));
    copy[key] = sensitive ? REDACTED : scrubSensitiveKeys(item, depth + 1);
  }
  return copy;
}

/**
 * The configured secrets themselves, as they could appear in a serialised line (raw and JSON-escaped).
 * Values shorter than 8 characters are left to the key-based redaction: replacing them would garble logs.
 */
export function secretValues(config: AppConfig): string[] {
  const values = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value || value.length < 8) return;
    values.add(value);
    values.add(JSON.stringify(value).slice(1, -1));
  };
  for (const secret of config.webhookSecrets) add(secret);
  add(config.apiToken);
  add(config.adminApiToken);
  add(config.adminPassword);
  add(config.metricsToken);
  add(config.notifySigningSecret);
  const flexport = config.reconciliation.credentials;
  if (flexport?.kind === 'token') add(flexport.token);
  if (flexport?.kind === 'oauth') add(flexport.clientSecret);
  add(config.redisCluster?.password);
  for (const url of [config.databaseUrl, config.databaseDirectUrl, config.redisUrl]) {
    try {
      add(decodeURIComponent(new URL(url).password));
    } catch {
      // not a URL: nothing to hide
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export function scrubSecretValues(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Far more than a burst of lines; beyond it, lines are dropped rather than memory growing without bound. */
const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;
/** How long a line may wait for others to share its write. */
const LOG_COALESCE_MS = 10;
let stdout: DestinationStream | undefined;

/**
 * One asynchronous writer per process, shared by every Nest context in it (the all-in-one server
 * has two), so lines never interleave. The lines of 10 ms go out in one write, and a write in
 * flight gathers those that follow; on exit (process.exit, an empty event loop, an uncaught
 * exception) what is held is written synchronously, after what pino's writer holds.
 */
function stdoutDestination(): DestinationStream {
  if (!stdout) {
    const writer = new CoalescingWriter(destination({ dest: 1, sync: false, maxLength: MAX_PENDING_LOG_BYTES }), LOG_COALESCE_MS, 1);
    process.once('exit', () => writer.flushSync());
    stdout = writer;
  }
  return stdout;
}

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One JSON object per line on stdout, for both roles: level from LOG_LEVEL, request ids that honour
 * X-Request-Id, requests logged without their credentials. Three layers keep secrets out: request
 * serialisers that copy only harmless headers, redaction by key name at any depth, and a last pass
 * over every serialised line that replaces the configured secret values.
 */
/** What the request logger (pino-http, as Nest middleware) is bound to. */
export type LoggedRoutes = (string | LoggedPath)[];

export function buildLoggerParams(config: AppConfig, role: string, loggedRoutes: LoggedRoutes = ['*']): Params {
  const secrets = secretValues(config);
  return {
    // The routes a request line is written for (see ObservabilityModule.forRole); the webhook writes its own.
    forRoutes: loggedRoutes,
    pinoHttp: [
      {
        level: config.logLevel,
        base: { pid: process.pid, role },
        timestamp: stdTimeFunctions.isoTime,
        formatters: {
          level: (label: string) => ({ level: label }),
          log: (object: Record<string, unknown>) => scrubSensitiveKeys(object) as Record<string, unknown>,
        },
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'req.headers["x-hub-signature"]',
            'req.headers["x-hub-signature-256"]',
            'res.headers["set-cookie"]',
          ],
          censor: REDACTED,
        },
        hooks: { streamWrite: (line: string) => scrubSecretValues(line, secrets) },
        genReqId: (req: IncomingMessage) => requestIdOf(req),
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
          error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        autoLogging: {
          ignore: (req: IncomingMessage & { originalUrl?: string }) => QUIET_PATHS.has((req.originalUrl ?? req.url ?? '').split('?')[0]),
        },
        // Serialisers see the raw request and response: only these fields are ever logged, never headers in bulk.
        wrapSerializers: false,
        serializers: {
          req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
            id: req.id,
            method: req.method,
            // Middie strips the matched prefix from `url`; `originalUrl` is the request line's.
            url: req.originalUrl ?? req.url,
            remoteAddress: req.socket?.remoteAddress,
            userAgent: req.headers['user-agent'],
            contentLength: req.headers['content-length'],
          }),
          res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        },
      },
      stdoutDestination(),
    ],
  };
}
