import { describeError } from './describe-error.js';

export interface ApiAnswer {
  /** HTTP status, or null when no answer came. */
  status: number | null;
  body: unknown;
  error?: string;
}

/** GETs JSON from the read API (README "Reading state") under a bearer token. */
export class ReadApiClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async get(path: string): Promise<ApiAnswer> {
    try {
      const response = await fetch(`${this.base}${path}`, {
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      try {
        return { status: response.status, body: text === '' ? null : JSON.parse(text) };
      } catch {
        return { status: response.status, body: text, error: 'answer is not JSON' };
      }
    } catch (error) {
      return { status: null, body: null, error: describeError(error) };
    }
  }
}
