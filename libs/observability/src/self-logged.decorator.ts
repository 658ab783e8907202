import { RequestMethod, SetMetadata, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { DiscoveryService } from '@nestjs/core';

const SELF_LOGGED = 'flexport:self-logged';

/**
 * A controller whose routes write their own log line. The request logger is not bound to its routes
 * at all: an excluded route would still pay for the middleware engine's exclusion check on every request.
 */
export const SelfLogged = () => SetMetadata(SELF_LOGGED, true);

/** A path the request logger (Nest middleware) is bound to: a first segment and everything under it. */
export interface LoggedPath {
  path: string;
  method: RequestMethod;
}

function segmentsOf(...paths: unknown[]): string[] {
  return paths.flatMap((path) => (typeof path === 'string' ? path.split('/') : [])).filter((segment) => segment !== '');
}

/**
 * What the request logger is bound to: the first path segment of every route of every controller but
 * the self-logged ones, and of `otherPaths` (routes outside Nest's controllers). A few prefixes, not
 * every route: the middleware engine tests each registered path against every request, the webhook's
 * included, and a handful costs it a few microseconds where one entry per route cost several times more.
 */
export function loggedPaths(discovery: DiscoveryService, otherPaths: readonly string[]): LoggedPath[] {
  const first = new Set<string>();
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type | undefined;
    if (!controller || Reflect.getMetadata(SELF_LOGGED, controller)) continue;
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      const route =
        typeof handler === 'function' ? (Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined) : undefined;
      if (route === undefined) continue;
      const [segment] = segmentsOf(...[base].flat(), ...[route].flat());
      if (segment !== undefined) first.add(segment);
    }
  }
  for (const path of otherPaths) {
    const [segment] = segmentsOf(path);
    if (segment !== undefined) first.add(segment);
  }
  return [...first].sort().map((segment) => ({ path: `${segment}{/*splat}`, method: RequestMethod.ALL }));
}
