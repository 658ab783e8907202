import { connect } from 'node:net';

export interface RawResponse {
  /** Null when the server closed the connection without an HTTP answer. */
  status: number | null;
  /** The server neither answered nor closed in time. */
  hung: boolean;
  ms: number;
  body: string;
}

export type RawHeader = [name: string, value: string | Buffer];

export interface RawRequest {
  method?: string;
  path?: string;
  headers: RawHeader[];
  body: Buffer;
  /** Omit the Content-Length header (the caller frames the body itself, or sends none). */
  noContentLength?: boolean;
}

/**
 * Writes an HTTP/1.1 request byte for byte (repeated, huge or invalid headers included, which
 * HTTP clients refuse to send) on a fresh connection, and reads the status line of the answer.
 */
export function rawRequest(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const head: Buffer[] = [
    Buffer.from(`${request.method ?? 'POST'} ${request.path ?? '/webhooks/flexport'} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`),
  ];
  if (!request.noContentLength) head.push(Buffer.from(`Content-Length: ${request.body.length}\r\n`));
  for (const [name, value] of request.headers)
    head.push(Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n')]));
  head.push(Buffer.from('\r\n'));
  return rawBytes(port, Buffer.concat([...head, request.body]), timeoutMs, false);
}

/**
 * Sends arbitrary bytes and reads whatever comes back until the server closes. With `halfClose`
 * the client then ends its side, so an incomplete request cannot leave the server waiting for more.
 */
export function rawBytes(port: number, bytes: Buffer, timeoutMs = 10_000, halfClose = true): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const bodyStart = text.indexOf('\r\n\r\n');
      resolve({
        status: match ? Number(match[1]) : null,
        hung,
        ms: Date.now() - started,
        body: bodyStart >= 0 ? text.slice(bodyStart + 4, bodyStart + 500) : '',
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is all we need: the connection is `close`, but a server may keep it for a broken request.
      const text = Buffer.concat(chunks).toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text);
      if (headerEnd >= 0 && length && text.length >= headerEnd + 4 + Number(length[1])) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.write(bytes, () => {
      if (halfClose) socket.end();
    });
  });
}
