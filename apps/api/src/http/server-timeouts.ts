import type { Server } from 'node:http';

/** Idle time of a keep-alive socket between two requests: above the 60 s of common load balancers. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Requests served on one keep-alive socket before it is closed (a client cannot hold one forever). */
export const MAX_REQUESTS_PER_SOCKET = 10_000;
/** A socket with no traffic either way for this long is closed (a client that stops reading the answer). */
export const SOCKET_IDLE_TIMEOUT_MS = 120_000;

/**
 * Bounds what a slow or idle client can hold. Fastify (and so Nest) sets the Node server's request
 * timeout and socket timeout to 0, i.e. none: a client that sends its headers and then trickles its
 * body would keep its socket, and the body so far in memory, forever. Here the headers and the body
 * together must arrive within `requestTimeoutMs` (Node answers 408 and closes the socket), the
 * headers alone within at most 10 s of it, and Node checks every second rather than every 30 s.
 * Set on the server Fastify created, before it listens: Node reads these when it starts listening.
 */
export function applyServerTimeouts(server: Server, requestTimeoutMs: number): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(requestTimeoutMs, 10_000);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, requestTimeoutMs / 2);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  server.setTimeout(SOCKET_IDLE_TIMEOUT_MS);
}
