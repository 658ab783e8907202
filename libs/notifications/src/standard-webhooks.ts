import { createHmac } from 'node:crypto';
import { signingKeyOf } from '@app/config';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/**
 * The Standard Webhooks headers of one attempt: `webhook-signature` is `v1,` + the base64
 * HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed by the bytes the secret's base64 (after `whsec_`)
 * encodes, so the standardwebhooks libraries verify it, and its timestamp's tolerance, as they are.
 */
export function standardWebhookHeaders(id: string, body: string, secret: string, at = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', signingKeyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: `v1,${signature}`,
  };
}
