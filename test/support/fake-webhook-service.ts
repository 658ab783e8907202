import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveEventId, parseEnvelope, verifySignature } from '@app/flexport';
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
}

export interface FakeService {
  url: string;
  origin: string;
  posts: number;
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

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'POST' && request.url === '/webhooks/flexport') return webhook(request, response, body);
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
