import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignedEvent } from '../../test/support/signed-events.js';
import { latencySummary, runLoad } from './load.js';

describe('latencySummary', () => {
  it('gives nearest-rank percentiles without rounding to whole milliseconds', () => {
    const milliseconds = Array.from({ length: 1000 }, (_, index) => (1000 - index) * 0.01);

    const summary = latencySummary(milliseconds);

    expect(summary.p50).toBeCloseTo(5, 9);
    expect(summary.p99).toBeCloseTo(9.9, 9);
    expect(summary.p999).toBeCloseTo(9.99, 9);
    expect(summary.max).toBeCloseTo(10, 9);
    expect(summary.mean).toBeCloseTo(5.005, 9);
  });

  it('reports NaN when no response succeeded, so that no latency target counts as met', () => {
    const summary = latencySummary([]);

    expect(summary.p99).toBeNaN();
    expect(summary.p99 <= 1.5 * 5).toBe(false);
  });
});

describe('runLoad latencies', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // A body `accept-<ms>` is answered 200 after that many milliseconds; anything else 503 at once.
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const delay = /^accept-(\d+)$/.exec(Buffer.concat(chunks).toString())?.[1];
        if (delay === undefined) return void response.writeHead(503).end();
        setTimeout(() => response.writeHead(200).end('{}'), Number(delay));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event = (body: string): SignedEvent => ({
    eventId: body,
    type: 'bench',
    category: 'unknown',
    shipmentId: 'none',
    milestone: null,
    body: Buffer.from(body),
    headers: { 'content-type': 'text/plain' },
  });

  it('times the 2xx responses only, as each one took, and counts the others as non-2xx', async () => {
    const events = [event('accept-20'), event('refuse'), event('accept-200'), event('refuse')];

    const result = await runLoad({ url, events, connections: 1, amount: 40 });

    expect(result.status2xx).toBe(20);
    expect(result.non2xx).toBe(20);
    // Half the timed responses took 20 ms and half 200: the quick refusals are not among them.
    expect(result.latency.p50).toBeGreaterThanOrEqual(19);
    expect(result.latency.p50).toBeLessThan(150);
    expect(result.latency.max).toBeGreaterThanOrEqual(199);
    expect(result.latency.max).toBeLessThan(2000);
  });
});
