import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { addRouteHook, isUnder } from '../http/route-hooks.js';
import type { AuthFailureLimiter } from './auth-failure-limiter.js';
import { sameSecret } from './constant-time.js';

export const BOARD_USER = 'admin';

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
 * own, so no other route pays for it. A failure counts towards the address's limit (429 beyond it).
 * Call before the board registers its routes (app.init).
 */
export function protectWithBasicAuth(fastify: FastifyInstance, route: string, password: string, failures: AuthFailureLimiter): void {
  const check: onRequestHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (basicAuthValid(request.headers.authorization, password)) return;
    const verdict = await failures.failed(request);
    if (verdict.exceeded) {
      return reply
        .code(429)
        .header('Retry-After', String(verdict.retryAfterSeconds))
        .send({ error: 'too_many_requests', message: 'too many failed authentications from this address' });
    }
    return reply.code(401).header('WWW-Authenticate', 'Basic realm="Bull Board", charset="UTF-8"').send({ error: 'unauthorized' });
  };
  // Routes registered before this hook would escape it: refuse to start rather than serve an open board.
  if (fastify.hasRoute({ url: route, method: 'GET' })) throw new Error(`protectWithBasicAuth: ${route} was registered before its auth`);
  fastify.addHook('onRoute', (routeOptions) => {
    if (isUnder(routeOptions.url, route)) addRouteHook(routeOptions, check);
  });
}
