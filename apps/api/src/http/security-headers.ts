import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import { addRouteHook, isUnder } from './route-hooks.js';

/**
 * Helmet's defaults (a same-origin CSP with `frame-ancestors 'self'`, X-Frame-Options SAMEORIGIN,
 * nosniff, no referrer, …) for the pages a person opens in a browser. Two departures: no
 * `upgrade-insecure-requests` and no HSTS, because TLS is terminated in front of the service (the
 * operator's proxy decides about HSTS) and the pages must still load over plain HTTP on a private network.
 */
export const PAGE_SECURITY_HEADERS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, frameAncestors: ["'self'"] } },
  strictTransportSecurity: false,
  xFrameOptions: { action: 'sameorigin' },
};

/**
 * Sends the security headers on every route under `prefixes` (the board and the docs), as a hook of
 * those routes only. helmet itself does the work, exactly as @fastify/helmet calls it; that plugin is
 * not used because it adds two onRequest hooks to every route of the server even with
 * `global: false`, and nothing may run on the webhook route that does no work for it.
 * Call before the routes are registered.
 */
export function sendSecurityHeaders(fastify: FastifyInstance, prefixes: readonly string[], options = PAGE_SECURITY_HEADERS): void {
  const middleware = helmet(options);
  const hook: onRequestHookHandler = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) =>
    middleware(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  fastify.addHook('onRoute', (routeOptions) => {
    if (prefixes.some((prefix) => isUnder(routeOptions.url, prefix))) addRouteHook(routeOptions, hook);
  });
}
