import type { FastifyRequest } from 'fastify';

/** The webhook's body as received: the content-type parser hands this route the untouched bytes. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}
