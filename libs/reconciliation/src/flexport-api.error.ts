/** Why a call to Flexport's API failed; also the label a failed reconciliation run is counted under. */
export enum FlexportApiFailure {
  /** 401 with a fresh token, or with the static token. */
  Unauthorized = 'unauthorized',
  /** The OAuth token endpoint refused the client credentials. */
  TokenRefused = 'token_refused',
  /** Another process holds the token request and no token appeared in time. */
  TokenUnavailable = 'token_unavailable',
  /** A non-retryable answer (400, 403, 404, a redirect, …). */
  HttpError = 'http_error',
  /** 429, 5xx, network errors or timeouts, still failing after the last retry. */
  RetriesExhausted = 'retries_exhausted',
  /** Retry-After asks for a longer wait than a run is willing to make; the next run tries again. */
  RateLimited = 'rate_limited',
  /** Not JSON, not the documented shape, too large, or paging that loops. */
  InvalidResponse = 'invalid_response',
  /** A `next` link to another origin: not followed, so the token never leaves the configured one. */
  ForeignOrigin = 'foreign_origin',
}

export class FlexportApiError extends Error {
  override name = 'FlexportApiError';

  constructor(
    readonly reason: FlexportApiFailure,
    message: string,
    readonly details: { status?: number; url?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }
}
