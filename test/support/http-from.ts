import { request as httpRequest } from 'node:http';
import { connect, Socket } from 'node:net';

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request from a chosen loopback source address (127.0.0.0/8), so that tests of
 * per-address limits do not share an address with each other.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

export interface TrickleResult {
  /** The status line the server sent, if any. */
  statusLine: string | null;
  /** Milliseconds from the first byte sent to the server's answer or close. */
  endedAfterMs: number;
  bytesSent: number;
}

/**
 * A slow client: sends `head` (request line and headers announcing a body), then one byte of the
 * body every `intervalMs`, and reports when the server answered or closed the socket.
 */
export function trickle(port: number, head: string, { intervalMs = 1000, giveUpMs = 30_000 } = {}): Promise<TrickleResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const statusLine = /^HTTP\/1\.1 .*$/m.exec(received)?.[0] ?? null;
      resolve({ statusLine, endedAfterMs: Date.now() - started, bytesSent });
    };
    const giveUp = setTimeout(finish, giveUpMs);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (socket.writable) {
          socket.write('x');
          bytesSent++;
        }
      }, intervalMs);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
  });
}
