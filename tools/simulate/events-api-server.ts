import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The audience Flexport's token endpoint expects. */
export const FLEXPORT_AUDIENCE = 'https://api.flexport.com';
const DEFAULT_PER = 20;
const MAX_PER = 100;

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  authorization: string | undefined;
  flexportVersion: string | undefined;
  /** Epoch milliseconds of arrival. */
  at: number;
  /** Set once the answer has been sent. */
  status?: number;
}

export interface EventsApiServerOptions {
  /** Bearer tokens accepted as API keys. */
  apiTokens?: readonly string[];
  /** Clients that may get a token from `POST /oauth/token`. */
  oauthClients?: readonly OAuthClient[];
  tokenLifetimeS?: number;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Sees every request first; when it answers (returns true), the documented behaviour is skipped. */
  intercept?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** Rewrites the `next` link of page `page` (1-based). */
  rewriteNext?: (next: string, page: number) => string;
}

export interface EventsApiServer {
  origin: string;
  port: number;
  /** Makes events listable. Each is the object a webhook delivers (or would have). */
  addEvents(events: Iterable<Record<string, unknown>>): void;
  readonly eventCount: number;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests to `POST /oauth/token`, answered or not. */
  readonly tokenRequests: number;
  close(): Promise<void>;
}

interface StoredEvent {
  at: number;
  id: string;
  event: Record<string, unknown>;
}

/** The listing order: by occurred_at, then id; events without a readable time last. */
const byTimeThenId = (a: StoredEvent, b: StoredEvent) =>
  (Number.isNaN(a.at) ? 1 : 0) - (Number.isNaN(b.at) ? 1 : 0) || a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function occurredAt(event: Record<string, unknown>): number {
  const data = typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};
  const value = event.occurred_at ?? data.occurred_at ?? event.created_at;
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/**
 * Flexport's API as reconciliation uses it, on a loopback port: `GET /events` (bearer token,
 * `Flexport-Version: 2`, filters `f.occurred_at.gte`/`lte`, paging by `page`/`per` with full
 * `next` URLs, the documented envelope) and `POST /oauth/token` (client credentials).
 */
export async function startEventsApiServer(options: EventsApiServerOptions = {}): Promise<EventsApiServer> {
  const stored: StoredEvent[] = [];
  let sorted = true;
  const requests: RecordedRequest[] = [];
  const issued = new Map<string, number>();
  let tokenRequests = 0;
  let origin = '';

  const sortedEvents = (): StoredEvent[] => {
    if (!sorted) stored.sort(byTimeThenId);
    sorted = true;
    return stored;
  };

  const server = createServer((request, response) => {
    const seen: RecordedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      flexportVersion: header(request, 'flexport-version'),
      at: Date.now(),
    };
    requests.push(seen);
    response.on('finish', () => (seen.status = response.statusCode));
    if (options.intercept?.(request, response)) return;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => route(request, response, Buffer.concat(chunks)));
  });

  function route(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/oauth/token') {
      if (request.method !== 'POST') return send(response, 405, apiError(405, 'method not allowed'));
      tokenRequests++;
      return issueToken(response, body);
    }
    if (url.pathname === '/events') {
      if (request.method !== 'GET') return send(response, 405, apiError(405, 'method not allowed'));
      return listEvents(request, response, url);
    }
    send(response, 404, apiError(404, 'not found'));
  }

  function authorised(request: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match) return false;
    if (options.apiTokens?.includes(match[1])) return true;
    return (issued.get(match[1]) ?? 0) > Date.now();
  }

  function listEvents(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (!authorised(request)) return send(response, 401, apiError(401, 'a valid bearer token is required'));
    if (header(request, 'flexport-version') !== '2') return send(response, 400, apiError(400, 'Flexport-Version: 2 is required'));
    const query = url.searchParams;
    const bound = (name: string): number | null | 'invalid' => {
      const value = query.get(name);
      if (value === null) return null;
      const at = Date.parse(value);
      return Number.isNaN(at) ? 'invalid' : at;
    };
    const gte = bound('f.occurred_at.gte');
    const lte = bound('f.occurred_at.lte');
    const page = Number(query.get('page') ?? 1);
    const per = Math.min(Number(query.get('per') ?? DEFAULT_PER), MAX_PER);
    if (gte === 'invalid' || lte === 'invalid') return send(response, 400, apiError(400, 'f.occurred_at.* must be ISO-8601 times'));
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(per) || per < 1) {
      return send(response, 400, apiError(400, 'page and per must be positive integers'));
    }
    const all = sortedEvents();
    const first = gte === null ? 0 : lowerBound(all, gte);
    const end = lte === null ? all.length : lowerBound(all, lte + 1);
    const matching = all.slice(first, Math.max(first, end)).filter((stored) => !Number.isNaN(stored.at) || (gte === null && lte === null));
    const items = matching.slice((page - 1) * per, page * per).map((stored) => stored.event);
    const link = (n: number) => {
      const target = new URL(url);
      target.searchParams.set('page', String(n));
      target.searchParams.set('per', String(per));
      return target.toString();
    };
    const hasNext = page * per < matching.length;
    const next = hasNext ? (options.rewriteNext?.(link(page + 1), page) ?? link(page + 1)) : null;
    send(response, 200, {
      _object: '/api/response',
      self: url.toString(),
      version: 2,
      data: { _object: '/api/collections/paginated', prev: page > 1 ? link(page - 1) : null, next, data: items },
    });
  }

  function issueToken(response: ServerResponse, body: Buffer): void {
    let form: Record<string, unknown>;
    try {
      form = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(response, 400, { error: 'invalid_request', error_description: 'a JSON body is required' });
    }
    if (form.grant_type !== 'client_credentials') return send(response, 400, { error: 'unsupported_grant_type' });
    if (form.audience !== FLEXPORT_AUDIENCE) return send(response, 403, { error: 'access_denied', error_description: 'unknown audience' });
    const known = options.oauthClients?.some((c) => c.clientId === form.client_id && c.clientSecret === form.client_secret);
    if (!known) return send(response, 401, { error: 'access_denied', error_description: 'Unauthorized' });
    const lifetime = options.tokenLifetimeS ?? 86_400;
    const token = `sim_${randomBytes(24).toString('base64url')}`;
    issued.set(token, Date.now() + lifetime * 1000);
    send(response, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  return {
    origin,
    port: address.port,
    addEvents(events) {
      for (const event of events) {
        stored.push({ at: occurredAt(event), id: String(event.id ?? ''), event });
        sorted = false;
      }
    },
    get eventCount() {
      return stored.length;
    },
    requests,
    get tokenRequests() {
      return tokenRequests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The first position whose time is at least `at` (NaN times sort last). */
function lowerBound(events: readonly StoredEvent[], at: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const time = events[middle].at;
    if (!Number.isNaN(time) && time < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function apiError(status: number, message: string) {
  return { _object: '/api/error', status, message };
}

export function send(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify(body));
}
