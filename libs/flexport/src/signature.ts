import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_256_HEADER = 'x-hub-signature-256';
export const SIGNATURE_LEGACY_HEADER = 'x-hub-signature';

export type SignatureAlgorithm = 'sha256' | 'sha1';
type Algorithm = SignatureAlgorithm;
const HEX_LENGTH: Record<Algorithm, number> = { sha256: 64, sha1: 40 };

interface ParsedSignature {
  algorithm: Algorithm;
  digest: Buffer;
}

type HeaderValue = string | string[] | undefined;

/**
 * Reads one signature header. Anything but a single `[algo=]<hex>` value of the expected length
 * is rejected, so a repeated, truncated or padded header can never reach the comparison.
 */
export function parseSignatureHeader(value: HeaderValue, allowed: readonly Algorithm[]): ParsedSignature | null {
  if (typeof value !== 'string') return null;
  const match = /^(?:(sha256|sha1)=)?([0-9a-f]+)$/i.exec(value.trim());
  if (!match) return null;
  const [, prefix, hex] = match;
  const candidates = prefix ? [prefix.toLowerCase() as Algorithm] : allowed;
  const algorithm = candidates.find((a) => allowed.includes(a) && HEX_LENGTH[a] === hex.length);
  if (!algorithm) return null;
  return { algorithm, digest: Buffer.from(hex, 'hex') };
}

/**
 * Picks the header that decides: `X-Hub-Signature-256` alone when present (even if malformed),
 * otherwise the legacy `X-Hub-Signature`, which may carry sha256 or sha1.
 */
export function selectSignature(headers: Record<string, HeaderValue>): ParsedSignature | null {
  if (headers[SIGNATURE_256_HEADER] !== undefined) {
    return parseSignatureHeader(headers[SIGNATURE_256_HEADER], ['sha256']);
  }
  return parseSignatureHeader(headers[SIGNATURE_LEGACY_HEADER], ['sha256', 'sha1']);
}

export function hmacHex(algorithm: Algorithm, secret: string, body: Buffer): string {
  return createHmac(algorithm, secret).update(body).digest('hex');
}

/**
 * The algorithm of the deciding signature when it is valid under any of the secrets, else null.
 * Every secret is tried, in constant time each.
 */
export function verifiedAlgorithm(
  body: Buffer,
  headers: Record<string, HeaderValue>,
  secrets: readonly string[],
): SignatureAlgorithm | null {
  const signature = selectSignature(headers);
  if (!signature) return null;
  let valid = false;
  for (const secret of secrets) {
    const expected = createHmac(signature.algorithm, secret).update(body).digest();
    if (expected.length === signature.digest.length && timingSafeEqual(expected, signature.digest)) {
      valid = true;
    }
  }
  return valid ? signature.algorithm : null;
}

/** True when the body was signed with any of the secrets (either algorithm). */
export function verifySignature(body: Buffer, headers: Record<string, HeaderValue>, secrets: readonly string[]): boolean {
  return verifiedAlgorithm(body, headers, secrets) !== null;
}

/** Signs a body the way Flexport does, for the simulator, notifications and tests. */
export function signatureHeaders(body: Buffer | string, secret: string): Record<string, string> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    'X-Hub-Signature-256': `sha256=${hmacHex('sha256', secret, bytes)}`,
    'X-Hub-Signature': `sha1=${hmacHex('sha1', secret, bytes)}`,
  };
}
