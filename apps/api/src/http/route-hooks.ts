import type { onRequestHookHandler, RouteOptions } from 'fastify';

/** True for the route and everything under it (a page, its assets, its JSON API). */
export function isUnder(url: string, route: string): boolean {
  const path = url.split('?')[0];
  return path === route || path.startsWith(`${route}/`);
}

/** Appends an onRequest hook to one route's own hooks, from an onRoute hook: no other route pays for it. */
export function addRouteHook(routeOptions: RouteOptions, hook: onRequestHookHandler): void {
  const own = routeOptions.onRequest;
  routeOptions.onRequest = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
}
