import { createHash } from 'node:crypto';

export interface Envelope {
  type: string;
  id?: unknown;
  created_at?: unknown;
  occurred_at?: unknown;
  data?: unknown;
  [key: string]: unknown;
}

export type EnvelopeParseResult = { ok: true; envelope: Envelope } | { ok: false; reason: string };

const MAX_TYPE_LENGTH = 200;
const MAX_ID_LENGTH = 200;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A body is an event when it is a JSON object with a non-empty string `type`; anything else is quarantined. */
export function parseEnvelope(raw: Buffer): EnvelopeParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (!isPlainObject(parsed)) return { ok: false, reason: 'body is not a JSON object' };
  const { type } = parsed;
  if (typeof type !== 'string' || type.trim() === '') return { ok: false, reason: 'event has no string type' };
  if (type.length > MAX_TYPE_LENGTH) return { ok: false, reason: `event type is longer than ${MAX_TYPE_LENGTH} characters` };
  return { ok: true, envelope: parsed as Envelope };
}

/** The envelope's `id` as a string; without a usable one, `sha256:` + the hex digest of the raw body. */
export function deriveEventId(envelope: Envelope, raw: Buffer): string {
  const { id } = envelope;
  if (typeof id === 'string' && id.trim() !== '' && id.length <= MAX_ID_LENGTH) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}
