import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { sameSecret } from './constant-time.js';

export const BOARD_USER = 'admin';

/** True for the board's page and everything under it (assets, its JSON API). */
export function isUnder(url: string, route: string): boolean {
  const path = url.split('?')[0];
  return path === route || path.startsWith(`${route}/`);
}

export function basicAuthValid(header: string | undefined, password: string): boolean {
  const match = typeof header === 'string' ? /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header) : null;
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? '' : decoded.slice(0, colon);
  const given = colon === -1 ? '' : decoded.slice(colon + 1);
  // Both compared every time: which part was wrong does not show in the timing.
  const userOk = sameSecret(user, BOARD_USER);
  const passwordOk = sameSecret(given, password);
  return match !== null && colon !== -1 && userOk && passwordOk;
}

/**
 * HTTP basic auth (user `admin`, ADMIN_PASSWORD) in front of Bull Board. Its routes are Fastify's,
 * not Nest's, and see no guard: each route registered under `route` gets the check as a hook of its
 * own, so no other route pays for it. Call before the board registers its routes (app.init).
 */
export function protectWithBasicAuth(fastify: FastifyInstance, route: string, password: string): void {
  const check: onRequestHookHandler = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (basicAuthValid(request.headers.authorization, password)) return done();
    void reply.code(401).header('WWW-Authenticate', 'Basic realm="Bull Board", charset="UTF-8"').send({ error: 'unauthorized' });
  };
  // Routes registered before this hook would escape it: refuse to start rather than serve an open board.
  if (fastify.hasRoute({ url: route, method: 'GET' })) throw new Error(`protectWithBasicAuth: ${route} was registered before its auth`);
  fastify.addHook('onRoute', (routeOptions) => {
    if (!isUnder(routeOptions.url, route)) return;
    const own = routeOptions.onRequest;
    routeOptions.onRequest = own === undefined ? [check] : [...(Array.isArray(own) ? own : [own]), check];
  });
}
