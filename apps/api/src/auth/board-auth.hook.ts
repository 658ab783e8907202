import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
 * HTTP basic auth (user `admin`, ADMIN_PASSWORD) in front of Bull Board, as a Fastify onRequest hook:
 * it covers the board's own Fastify routes, which are not Nest routes and see no guard.
 */
export function protectWithBasicAuth(fastify: FastifyInstance, route: string, password: string): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    // The matched route, not the raw URL: the router decodes %-escapes that a prefix test on the URL would miss.
    const protectedRoute = isUnder(request.routeOptions.url ?? '', route) || isUnder(request.url, route);
    if (!protectedRoute || basicAuthValid(request.headers.authorization, password)) return done();
    void reply.code(401).header('WWW-Authenticate', 'Basic realm="Bull Board", charset="UTF-8"').send({ error: 'unauthorized' });
  });
}
