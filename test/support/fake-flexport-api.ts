import { createServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EventsApiServer,
  EventsApiServerOptions,
  RecordedRequest,
  send,
  startEventsApiServer,
} from '../../tools/simulate/events-api-server.js';

/** What the fake does instead of answering a `GET /events` request. */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Never answers: no headers, no body. */
  | { kind: 'hang' }
  /** Sends headers and half a body, then nothing more. */
  | { kind: 'hang-body' };

export interface FakeFlexportApi extends EventsApiServer {
  /** The next `count` listing requests get `fault` instead of their page. */
  failNext(fault: Fault, count?: number): void;
  /** Listing requests only (`GET /events…`). */
  listings(): RecordedRequest[];
  /** Forgets pending faults and recorded requests (the events stay). */
  reset(): void;
}

/**
 * Flexport's API for tests: the simulator's Events API (documented shape, filters, paging, bearer
 * token, OAuth) plus faults injected into the listing. Every request is recorded.
 */
export async function startFakeFlexportApi(options: Omit<EventsApiServerOptions, 'intercept'> = {}): Promise<FakeFlexportApi> {
  const faults: Fault[] = [];
  const hanging = new Set<ServerResponse>();
  const server = await startEventsApiServer({
    ...options,
    intercept(request, response) {
      if (request.method !== 'GET' || !request.url?.startsWith('/events')) return false;
      const fault = faults.shift();
      if (!fault) return false;
      request.resume();
      if (fault.kind === 'status') {
        for (const [name, value] of Object.entries(fault.headers ?? {})) response.setHeader(name, value);
        if (fault.body !== undefined) {
          response.statusCode = fault.status;
          response.end(fault.body);
        } else {
          send(response, fault.status, { _object: '/api/error', status: fault.status, message: 'injected fault' });
        }
      } else if (fault.kind === 'hang-body') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"_object":"/api/response","data":{"data":[');
        hanging.add(response);
      } else {
        hanging.add(response);
      }
      return true;
    },
  });
  return {
    origin: server.origin,
    port: server.port,
    addEvents: (events) => server.addEvents(events),
    get eventCount() {
      return server.eventCount;
    },
    requests: server.requests,
    get tokenRequests() {
      return server.tokenRequests;
    },
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    listings: () => server.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/events')),
    reset() {
      faults.length = 0;
      (server.requests as RecordedRequest[]).length = 0;
    },
    async close() {
      for (const response of hanging) response.destroy();
      await server.close();
    },
  };
}

export interface OtherOrigin {
  origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A second server, to receive what must never be sent to it: it records every request and answers 200. */
export async function startOtherOrigin(): Promise<OtherOrigin> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      flexportVersion: undefined,
      at: Date.now(),
    });
    send(response, 200, { _object: '/api/response', data: { _object: '/api/collections/paginated', next: null, data: [] } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
