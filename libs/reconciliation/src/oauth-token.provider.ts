import { Logger } from '@nestjs/common';
import type { RedisClient } from '@app/queue';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlexportApiError, FlexportApiFailure } from './flexport-api.error.js';
import { DEFAULT_REQUEST_POLICY, HttpRequest, parseJson, RequestPolicy, sendWithRetries } from './flexport-http.js';
import type { FlexportTokenProvider } from './flexport-token.provider.js';
import { oauthTokenKeys } from './redis-keys.js';

export const FLEXPORT_API_AUDIENCE = 'https://api.flexport.com';

export interface OAuthTokenProviderOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Shared by every process: the token, the lock and a recent failure live there. */
  redis: RedisClient;
  /** QUEUE_PREFIX: every key is under it. */
  keyPrefix: string;
  audience?: string;
  /** A token is dropped this long before it expires (at most a tenth of its lifetime). */
  refreshMarginMs?: number;
  request?: Partial<RequestPolicy>;
  /** After a failed token request, every process fails at once for this long instead of asking again. */
  failureHoldMs?: number;
  /** How often a process waiting for another one's token request looks for the token. */
  waitPollMs?: number;
}

/** Flexport allows about ten token requests a day: few retries, and a failure is held, not repeated. */
const TOKEN_REQUEST_POLICY: RequestPolicy = {
  ...DEFAULT_REQUEST_POLICY,
  timeoutMs: 15_000,
  maxRetries: 2,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

const DELETE_IF_EQUAL = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * OAuth client credentials (`POST {apiUrl}/oauth/token`), the token cached in Redis until shortly
 * before it expires, for every process. One process at a time asks the token endpoint (a Redis lock,
 * SET NX PX); the others wait for the token it writes. A 401 drops the token that got it, once.
 */
export class OAuthTokenProvider implements FlexportTokenProvider {
  private readonly logger = new Logger(OAuthTokenProvider.name);
  private readonly keys: ReturnType<typeof oauthTokenKeys>;
  private readonly policy: RequestPolicy;
  private readonly lockTtlMs: number;
  private memory: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly options: OAuthTokenProviderOptions) {
    this.keys = oauthTokenKeys(options.keyPrefix, options.apiUrl, options.clientId);
    this.policy = { ...TOKEN_REQUEST_POLICY, ...options.request };
    const p = this.policy;
    // Outlives the holder's longest request; a holder that died frees the lock when it expires.
    this.lockTtlMs = p.timeoutMs * (p.maxRetries + 1) + Math.max(p.maxDelayMs, p.maxRetryAfterMs) * p.maxRetries + 5_000;
  }

  getToken(signal?: AbortSignal): Promise<string> {
    if (this.memory && this.memory.expiresAt > Date.now()) return Promise.resolve(this.memory.token);
    this.pending ??= this.sharedToken(signal).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  async invalidate(token: string): Promise<boolean> {
    if (this.memory?.token === token) this.memory = null;
    // Only the token that was refused: another process may already have cached a new one.
    await this.options.redis.eval(DELETE_IF_EQUAL, 1, this.keys.token, token);
    return true;
  }

  private async sharedToken(signal?: AbortSignal): Promise<string> {
    const { redis } = this.options;
    const deadline = Date.now() + 2 * this.lockTtlMs;
    for (;;) {
      const cached = await this.readCached();
      if (cached !== null) return cached;
      await this.throwRecentFailure();
      const owner = randomUUID();
      if ((await redis.set(this.keys.lock, owner, 'PX', this.lockTtlMs, 'NX')) === 'OK') {
        try {
          return (await this.readCached()) ?? (await this.requestToken(signal));
        } catch (error) {
          if (error instanceof FlexportApiError && !signal?.aborted) {
            const held = JSON.stringify({ reason: error.reason, message: error.message });
            await redis.set(this.keys.failure, held, 'PX', this.options.failureHoldMs ?? 60_000).catch(() => undefined);
          }
          throw error;
        } finally {
          await redis.eval(DELETE_IF_EQUAL, 1, this.keys.lock, owner).catch(() => undefined);
        }
      }
      if (Date.now() >= deadline) {
        throw new FlexportApiError(FlexportApiFailure.TokenUnavailable, 'another process is asking for an OAuth token and none arrived');
      }
      await sleep(this.options.waitPollMs ?? 100, undefined, { signal });
    }
  }

  private async readCached(): Promise<string | null> {
    const answers = await this.options.redis.multi().get(this.keys.token).pttl(this.keys.token).exec();
    const token = answers?.[0]?.[1];
    const ttlMs = Number(answers?.[1]?.[1]);
    if (typeof token !== 'string' || !(ttlMs > 0)) return null;
    this.memory = { token, expiresAt: Date.now() + ttlMs };
    return token;
  }

  private async throwRecentFailure(): Promise<void> {
    const held = await this.options.redis.get(this.keys.failure);
    if (held === null) return;
    let failure: { reason?: FlexportApiFailure; message?: string } = {};
    try {
      failure = JSON.parse(held) as typeof failure;
    } catch {
      // written by us; unreadable only if someone else wrote the key
    }
    throw new FlexportApiError(
      failure.reason ?? FlexportApiFailure.TokenRefused,
      `the last OAuth token request failed moments ago, not asking again yet: ${failure.message ?? held}`,
    );
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const { apiUrl, clientId, clientSecret, audience = FLEXPORT_API_AUDIENCE } = this.options;
    const request: HttpRequest = {
      method: 'POST',
      url: `${apiUrl}/oauth/token`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }),
      label: 'OAuth token request',
    };
    const answer = await sendWithRetries(request, this.policy, signal);
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      throw new FlexportApiError(
        FlexportApiFailure.TokenRefused,
        `OAuth token request refused (HTTP ${answer.status}): ${answer.text.slice(0, 200)}`,
        { status: answer.status, url: request.url },
      );
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new FlexportApiError(FlexportApiFailure.HttpError, `OAuth token request answered HTTP ${answer.status}`, {
        status: answer.status,
        url: request.url,
      });
    }
    const body = parseJson(answer, request) as { access_token?: unknown; expires_in?: unknown } | null;
    const token = body?.access_token;
    const expiresInS = Number(body?.expires_in);
    if (typeof token !== 'string' || token === '' || !(expiresInS > 0)) {
      throw new FlexportApiError(FlexportApiFailure.InvalidResponse, 'OAuth token answer lacks access_token or a positive expires_in', {
        status: answer.status,
        url: request.url,
      });
    }
    const lifetimeMs = expiresInS * 1000;
    const ttlMs = Math.floor(lifetimeMs - Math.min(this.options.refreshMarginMs ?? 10 * 60_000, lifetimeMs / 10));
    await this.options.redis.set(this.keys.token, token, 'PX', ttlMs);
    this.memory = { token, expiresAt: Date.now() + ttlMs };
    this.logger.log({ msg: 'obtained an OAuth token for Flexport API', expiresInS, cachedForS: Math.round(ttlMs / 1000) });
    return token;
  }
}
