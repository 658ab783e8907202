import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { DEVELOPMENT_DEFAULTS } from '@app/config';
import { standardWebhookHeaders } from './standard-webhooks.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const BODY = '{"shipmentId":"S1","milestone":"departed","occurredAt":"2026-03-02T06:40:00.000Z","location":null}';

describe('standardWebhookHeaders', () => {
  it('verifies with the standardwebhooks library given the same whsec_ secret', () => {
    const headers = standardWebhookHeaders('key-1', BODY, SECRET);
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(headers['webhook-id']).toBe('key-1');
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
  });

  it('verifies under the development default secret too', () => {
    const secret = DEVELOPMENT_DEFAULTS.NOTIFY_SIGNING_SECRET;
    expect(new Webhook(secret).verify(BODY, standardWebhookHeaders('key-1', BODY, secret))).toEqual(JSON.parse(BODY));
  });

  it.each([
    ['another secret', (h: Record<string, string>) => ({ h, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, body: BODY })],
    ['another body', (h: Record<string, string>) => ({ h, secret: SECRET, body: BODY.replace('S1', 'S2') })],
    ['another id', (h: Record<string, string>) => ({ h: { ...h, 'webhook-id': 'key-2' }, secret: SECRET, body: BODY })],
  ])('fails verification with %s', (_label, change) => {
    const { h, secret, body } = change(standardWebhookHeaders('key-1', BODY, SECRET));
    expect(() => new Webhook(secret).verify(body, h)).toThrow(WebhookVerificationError);
  });

  it('carries the time of the attempt, so a replayed old request is refused by its timestamp', () => {
    const old = standardWebhookHeaders('key-1', BODY, SECRET, new Date(Date.now() - 10 * 60 * 1000));
    expect(() => new Webhook(SECRET).verify(BODY, old)).toThrow(/timestamp/i);
  });
});
