import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypedConfigService } from '@app/config';

const WINDOW_MS = 60_000;

export interface FailureVerdict {
  /** Over AUTH_FAILURES_PER_MINUTE from this address: answer 429, not 401. */
  exceeded: boolean;
  retryAfterSeconds: number;
}

type Limit = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Counts failed authentications per client address, with @fastify/rate-limit's limiter (in this
 * process's memory). Only failures are counted, where they happen (the guards and the board's basic
 * auth): a valid credential never touches it, and no hook runs on any route for it, the webhook
 * route least of all.
 */
@Injectable()
export class AuthFailureLimiter implements OnModuleInit {
  private readonly max: number;
  private limit?: Limit;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.max = config.get('app', { infer: true }).authFailuresPerMinute;
  }

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // global: false adds no hook to any route; the limiter is only called from here.
    if (!fastify.hasDecorator('createRateLimit')) await fastify.register(fastifyRateLimit, { global: false });
    this.limit = fastify.createRateLimit({ max: this.max, timeWindow: WINDOW_MS });
  }

  /** Records one failed authentication of `request`'s address. */
  async failed(request: FastifyRequest): Promise<FailureVerdict> {
    if (!this.limit) throw new Error('AuthFailureLimiter used before module init');
    const result = await this.limit(request);
    if (result.isAllowed) return { exceeded: false, retryAfterSeconds: 0 };
    return { exceeded: result.isExceeded, retryAfterSeconds: result.ttlInSeconds };
  }
}
