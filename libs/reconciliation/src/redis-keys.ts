import { createHash } from 'node:crypto';

/**
 * Keys of the OAuth token cache, under the service's QUEUE_PREFIX. The key names the API URL and
 * client id, so a token is never sent to another API nor reused after the credentials change.
 */
export function oauthTokenKeys(prefix: string, apiUrl: string, clientId: string) {
  const scope = createHash('sha256').update(`${apiUrl}\n${clientId}`).digest('hex').slice(0, 16);
  const token = `${prefix}:flexport-api:token:${scope}`;
  return { token, lock: `${token}:lock`, failure: `${token}:failure` };
}
