import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveEventId, parseEnvelope, verifySignature } from '@app/flexport';
import { FlexportEventsClient, parseWindow, ReconcileRunView, StaticTokenProvider } from '@app/reconciliation';
import { expectedStateFrom } from '../../tools/simulate/expected-state.js';
import type { ExpectedWorld } from '../../tools/simulate/expected-world.js';

export interface FakeServiceOptions {
  secret: string;
  token: string;
  /** Events become visible in the read API this long after they were acknowledged. */
  processingDelayMs?: number;
  /** Answer 503 (with Retry-After: 0) to the first N webhook posts. */
  unavailableFirst?: number;
  /** Changes the read API's view, to prove the verifier notices. */
  tamper?: (world: ExpectedWorld) => void;
  /** Serves `POST /admin/reconcile` against this Flexport Events API (absent: the route is 404). */
  reconcile?: { apiUrl: string; apiToken: string; adminToken: string };
}

export interface FakeService {
  url: string;
  origin: string;
  posts: number;
  /** Event ids acknowledged or reconciled. */
  eventIds(): string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the service on a loopback port: checks signatures over the raw bytes, answers like
 * README "Receiving webhooks", and serves README "Reading state" read answers built from what it acknowledged.
 */
export async function startFakeService(options: FakeServiceOptions): Promise<FakeService> {
  const received = new Map<string, { body: Buffer; at: number }>();
  let unavailable = options.unavailableFirst ?? 0;
  const state = { posts: 0 };

  const world = (): ExpectedWorld => {
    const visibleBefore = Date.now() - (options.processingDelayMs ?? 0);
    const bodies = [...received.values()].filter((event) => event.at <= visibleBefore).map((event) => event.body);
    const folded = expectedStateFrom(bodies).world;
    options.tamper?.(folded);
    return folded;
  };

  const runs = new Map<string, ReconcileRunView>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'POST' && request.url === '/webhooks/flexport') return webhook(request, response, body);
      if (options.reconcile && request.url?.startsWith('/admin/reconcile')) return admin(request, response, body, options.reconcile);
      if (request.method === 'GET') return read(request, response);
      send(response, 404, { error: 'not_found' });
    });
  });

  function webhook(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    state.posts++;
    if (!verifySignature(body, request.headers, [options.secret])) return send(response, 401, { error: 'invalid_signature' });
    if (unavailable > 0) {
      unavailable--;
      response.setHeader('Retry-After', '0');
      return send(response, 503, { error: 'queue_unavailable' });
    }
    const parsed = parseEnvelope(body);
    if (!parsed.ok) return send(response, 200, { status: 'quarantined' });
    const eventId = deriveEventId(parsed.envelope, body);
    if (received.has(eventId)) return send(response, 200, { eventId, status: 'duplicate' });
    received.set(eventId, { body, at: Date.now() });
    send(response, 200, { eventId, status: 'queued' });
  }

  /** Lists the window with the real client and keeps what it did not have, as reconciliation does. */
  function admin(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    config: NonNullable<FakeServiceOptions['reconcile']>,
  ): void {
    if (request.headers.authorization !== `Bearer ${config.adminToken}`) return send(response, 401, { error: 'unauthorized' });
    const runId = /^\/admin\/reconcile\/([^/]+)$/.exec(request.url ?? '')?.[1];
    if (request.method === 'GET' && runId !== undefined) {
      const run = runs.get(runId);
      return run ? send(response, 200, run) : send(response, 404, { error: 'not_found' });
    }
    if (request.method !== 'POST' || request.url !== '/admin/reconcile') return send(response, 404, { error: 'not_found' });
    let requested: { from?: unknown; to?: unknown } = {};
    try {
      requested = JSON.parse(body.toString('utf8')) as typeof requested;
    } catch {
      return send(response, 400, { error: 'invalid_request', message: 'a JSON body is required' });
    }
    const window = parseWindow(requested.from, requested.to);
    if ('problem' in window) return send(response, 400, { error: 'invalid_request', message: window.problem });
    const run: ReconcileRunView = {
      runId: `run-${runs.size + 1}`,
      status: 'running',
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      listed: 0,
      alreadyKnown: 0,
      queued: 0,
      pages: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    runs.set(run.runId, run);
    send(response, 202, { runId: run.runId, status: run.status, from: run.from, to: run.to });
    const client = new FlexportEventsClient(
      { apiUrl: config.apiUrl, request: { baseDelayMs: 20 } },
      new StaticTokenProvider(config.apiToken),
    );
    void (async () => {
      for await (const page of client.pages(window)) {
        run.pages++;
        for (const event of page.events) {
          const raw = Buffer.from(JSON.stringify(event));
          const parsed = parseEnvelope(raw);
          run.listed++;
          if (!parsed.ok) continue;
          const eventId = deriveEventId(parsed.envelope, raw);
          if (received.has(eventId)) run.alreadyKnown++;
          else {
            received.set(eventId, { body: raw, at: Date.now() });
            run.queued++;
          }
        }
      }
      run.status = 'succeeded';
    })()
      .catch((error: unknown) => {
        run.status = 'failed';
        run.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => (run.finishedAt = new Date().toISOString()));
  }

  function read(request: IncomingMessage, response: ServerResponse): void {
    if (request.headers.authorization !== `Bearer ${options.token}`) return send(response, 401, { error: 'unauthorized' });
    const [, shipmentId] = /^\/shipments\/([^/?]+)\/timeline(\?.*)?$/.exec(request.url ?? '') ?? [];
    if (shipmentId !== undefined) {
      const shipment = world().shipments.find((s) => s.id === decodeURIComponent(shipmentId));
      if (!shipment) return send(response, 404, { error: 'not_found' });
      return send(response, 200, { items: shipment.timeline.map((eventId) => ({ eventId })), nextCursor: null });
    }
    const [, collection, rawId] = /^\/([a-z-]+)\/([^/?]+)$/.exec(request.url ?? '') ?? [];
    const id = decodeURIComponent(rawId ?? '');
    const found = lookup(world(), collection, id);
    if (!found) return send(response, 404, { error: 'not_found' });
    send(response, 200, found);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/webhooks/flexport`,
    origin,
    get posts() {
      return state.posts;
    },
    eventIds: () => [...received.keys()],
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The answer shapes of README "Reading state", with the fields the contract lists. */
function lookup(world: ExpectedWorld, collection: string | undefined, id: string): object | undefined {
  switch (collection) {
    case 'shipments': {
      const shipment = world.shipments.find((s) => s.id === id);
      return shipment && { ...shipment, containers: [], updatedAt: shipment.statusAt };
    }
    case 'bookings':
      return world.bookings.find((b) => b.id === id);
    case 'purchase-orders': {
      const order = world.purchaseOrders.find((p) => p.id === id);
      return order && { ...order, lineItems: [] };
    }
    case 'invoices':
      return world.invoices.find((i) => i.id === id);
    case 'documents':
      return world.documents.find((d) => d.id === id);
    case 'containers': {
      const container = world.containers.find((c) => c.containerNumber === id);
      return container && { ...container, lastEventAt: null, location: null };
    }
    default:
      return undefined;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify(body));
}
