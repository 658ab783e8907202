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
/** Real deliveries nest about six levels; far deeper JSON would overflow serialisers downstream. */
export const MAX_JSON_DEPTH = 64;

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
  return checkEnvelope(parsed, raw);
}

/**
 * A value parsed elsewhere (an event Flexport's Events API listed) read with the same checks as a
 * webhook body. Without the raw bytes to rule it out, every string is checked.
 */
export function readEnvelope(value: unknown): EnvelopeParseResult {
  return checkEnvelope(value, null);
}

function checkEnvelope(parsed: unknown, raw: Buffer | null): EnvelopeParseResult {
  if (!isPlainObject(parsed)) return { ok: false, reason: 'body is not a JSON object' };
  const unstorable = raw === null || mayBeUnstorable(raw) ? unstorableReason(parsed) : null;
  if (unstorable) return { ok: false, reason: unstorable };
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

const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

/**
 * False when the raw bytes alone rule out what unstorableReason looks for, so valid JSON skips the
 * walk: NUL and lone surrogates can only arrive as `\u` escapes (JSON forbids raw control
 * characters; undecodable bytes become U+FFFD), and nesting needs as many `{`/`[` as levels.
 */
function mayBeUnstorable(raw: Buffer): boolean {
  let openings = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) openings++;
    else if (byte === BACKSLASH && raw[i + 1] === 0x75) return true;
  }
  return openings > MAX_JSON_DEPTH;
}

/**
 * Why a parsed body could not be kept as an event, if it could not: nesting beyond MAX_JSON_DEPTH,
 * or text Postgres cannot store (NUL characters, unpaired surrogates). Iterative, so any depth is safe.
 */
function unstorableReason(root: unknown): string | null {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!storableText(value)) return 'body holds text that cannot be stored (NUL or unpaired surrogate)';
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) return `body nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (!storableText(key)) return 'body holds text that cannot be stored (NUL or unpaired surrogate)';
      stack.push([item, depth + 1]);
    }
  }
  return null;
}

function storableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}
