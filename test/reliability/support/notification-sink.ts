import { createServer, IncomingMessage, Server } from 'node:http';

export interface ReceivedNotification {
  idempotencyKey: string | null;
  shipmentId: string;
  milestone: string;
  path: string;
  at: number;
}

/** A stakeholder endpoint on loopback that records every notification POST and answers 200. */
export class NotificationSink {
  readonly received: ReceivedNotification[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook'): Promise<NotificationSink> {
    const holder: { sink?: NotificationSink } = {};
    const server = createServer((request, response) => {
      void readBody(request).then((body) => {
        try {
          const parsed = JSON.parse(body) as { shipmentId?: unknown; milestone?: unknown };
          holder.sink?.received.push({
            idempotencyKey: header(request, 'idempotency-key'),
            shipmentId: String(parsed.shipmentId),
            milestone: String(parsed.milestone),
            path: request.url ?? '',
            at: Date.now(),
          });
        } catch {
          // recorded as nothing: the assertions count only well-formed notifications
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    holder.sink = new NotificationSink(server, `http://127.0.0.1:${port}${path}`);
    return holder.sink;
  }

  /** (shipment, milestone) → the distinct Idempotency-Keys and the number of POSTs it received. */
  byNotification(): Map<string, { keys: Set<string | null>; posts: number }> {
    const map = new Map<string, { keys: Set<string | null>; posts: number }>();
    for (const item of this.received) {
      const id = `${item.shipmentId}|${item.milestone}`;
      const entry = map.get(id) ?? { keys: new Set(), posts: 0 };
      entry.keys.add(item.idempotencyKey);
      entry.posts++;
      map.set(id, entry);
    }
    return map;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(''));
  });
}
