import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, onRequestHookHandler, RouteOptions } from 'fastify';
import { addRouteHook, isUnder } from '../http/route-hooks.js';

const READING_METHODS = new Set(['GET', 'HEAD']);

/** True when a board route can change a queue or a job: any method but GET and HEAD. */
export function changesState(method: RouteOptions['method']): boolean {
  const methods: readonly (HTTPMethods | string)[] = Array.isArray(method) ? method : [method];
  return methods.some((m) => !READING_METHODS.has(m.toUpperCase()));
}

/**
 * BOARD_READ_ONLY: every board route that is not a plain read (retry, promote, clean, remove, pause,
 * resume, empty, add, update, …: whatever Bull Board adds later too) answers 403 before its handler
 * runs. Hiding the buttons (bull-board's readOnlyMode) is not enough: its API is reachable directly.
 */
export function refuseBoardChanges(fastify: FastifyInstance, route: string): void {
  const refuse: onRequestHookHandler = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (READING_METHODS.has(request.method)) return done();
    void reply.code(403).send({ error: 'board_read_only', message: 'Bull Board is read-only here (BOARD_READ_ONLY=true)' });
  };
  fastify.addHook('onRoute', (routeOptions) => {
    if (isUnder(routeOptions.url, route) && changesState(routeOptions.method)) addRouteHook(routeOptions, refuse);
  });
}
