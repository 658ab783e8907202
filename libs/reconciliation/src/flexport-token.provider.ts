/** Where the client gets the bearer token it sends to Flexport's API. */
export interface FlexportTokenProvider {
  getToken(signal?: AbortSignal): Promise<string>;
  /** Called after a 401 answered `token`: forgets it. True when asking again can give another token. */
  invalidate(token: string): Promise<boolean>;
}

/** A legacy API key (FLEXPORT_API_TOKEN): nothing to refresh, so a 401 is final. */
export class StaticTokenProvider implements FlexportTokenProvider {
  constructor(private readonly token: string) {}

  getToken(): Promise<string> {
    return Promise.resolve(this.token);
  }

  invalidate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
