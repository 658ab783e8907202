import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The webhook's body as received: the content-type parser hands this route the untouched bytes. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** The request's raw bytes, as the signature was computed over them. */
export const RawBody = createParamDecorator((_data: unknown, context: ExecutionContext): Buffer =>
  rawBodyOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
