import type { ReconciliationConfig } from '@app/config';
import type { RedisClient } from '@app/queue';
import { FlexportEventsClient, FlexportEventsClientOptions } from './flexport-events.client.js';
import { FlexportTokenProvider, StaticTokenProvider } from './flexport-token.provider.js';
import { OAuthTokenProvider } from './oauth-token.provider.js';

/** The token provider the configuration asks for, or null when reconciliation is off (no credentials). */
export function createTokenProvider(config: ReconciliationConfig, redis: RedisClient, keyPrefix: string): FlexportTokenProvider | null {
  const credentials = config.credentials;
  if (credentials === null) return null;
  if (credentials.kind === 'token') return new StaticTokenProvider(credentials.token);
  return new OAuthTokenProvider({
    apiUrl: config.apiUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    redis,
    keyPrefix,
  });
}

/** A client of Flexport's Events API for the configured URL and credentials, or null when reconciliation is off. */
export function createEventsClient(
  config: ReconciliationConfig,
  redis: RedisClient,
  keyPrefix: string,
  options: Omit<FlexportEventsClientOptions, 'apiUrl'> = {},
): FlexportEventsClient | null {
  const tokens = createTokenProvider(config, redis, keyPrefix);
  return tokens && new FlexportEventsClient({ ...options, apiUrl: config.apiUrl }, tokens);
}
