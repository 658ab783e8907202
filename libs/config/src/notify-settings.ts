import { ConfigurationError } from './configuration.error.js';

const SIGNING_SECRET_PREFIX = 'whsec_';
const SIGNING_KEY_BYTES = { min: 24, max: 64 } as const;

/** The key a Standard Webhooks signature is made with: the bytes the base64 after `whsec_` encodes. */
export function signingKeyOf(secret: string): Buffer {
  return Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64');
}

/** NOTIFY_SIGNING_SECRET in Standard Webhooks' format: `whsec_` + base64 of 24 to 64 bytes. */
export function checkSigningSecret(secret: string): void {
  const encoded = secret.startsWith(SIGNING_SECRET_PREFIX) ? secret.slice(SIGNING_SECRET_PREFIX.length) : null;
  const key = encoded === null ? null : Buffer.from(encoded, 'base64');
  // Node decodes base64 leniently: a value is valid only when it encodes back to itself.
  const canonical = key !== null && key.toString('base64') === encoded;
  if (!canonical || key.length < SIGNING_KEY_BYTES.min || key.length > SIGNING_KEY_BYTES.max) {
    throw new ConfigurationError(
      `NOTIFY_SIGNING_SECRET must be ${SIGNING_SECRET_PREFIX} followed by the base64 of ${SIGNING_KEY_BYTES.min} to ` +
        `${SIGNING_KEY_BYTES.max} random bytes (e.g. "whsec_$(openssl rand -base64 32)")`,
    );
  }
}

/** Loopback hosts: a receiver on the same machine needs no TLS. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** A notification URL: http(s); in production https, or plain http to a loopback host only. */
export function checkNotifyUrl(url: string, production: boolean): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || /\s/.test(url)) {
    throw new ConfigurationError(`NOTIFY_WEBHOOK_URLS: not an http(s) URL: ${url}`);
  }
  if (production && parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigurationError(`NOTIFY_WEBHOOK_URLS: ${url} must use https:// when NODE_ENV=production (plain http only to loopback)`);
  }
}
