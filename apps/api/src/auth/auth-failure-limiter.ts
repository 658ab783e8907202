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

  onModuleInit(): void {
    // global: false adds no hook to any route; the limiter is only called from here. Not awaited: that
    // would load Fastify's plugins and build the routes now, before Nest has set its error handler.
    void this.fastify().register(fastifyRateLimit, { global: false });
  }

  /** Records one failed authentication of `request`'s address. */
  async failed(request: FastifyRequest): Promise<FailureVerdict> {
    this.limit ??= this.fastify().createRateLimit({ max: this.max, timeWindow: WINDOW_MS });
    const result = await this.limit(request);
    if (result.isAllowed) return { exceeded: false, retryAfterSeconds: 0 };
    return { exceeded: result.isExceeded, retryAfterSeconds: result.ttlInSeconds };
  }

  private fastify(): FastifyInstance {
    return this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
  }
}
