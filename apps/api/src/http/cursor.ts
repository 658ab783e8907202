import { BadRequestException } from '@nestjs/common';

/**
 * Opaque page cursors: the sort key of the last item of a page, as base64url JSON. Clients only
 * hand them back; a cursor that does not decode to the expected parts is a 400, never a 500.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** What each part of a cursor must look like, so that a forged cursor is a 400 rather than an SQL error. */
const PART_FORMAT = {
  text: /^[\s\S]{0,1024}$/,
  // timestamptz as Postgres prints it (`received_at::text`): microseconds and offset round-trip exactly.
  timestamptz: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/,
  bigint: /^\d{1,18}$/,
  /** A timestamptz, or `''` for a null one (it sorts last). */
  optionalTimestamptz: /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})?$/,
} as const;
export type CursorPart = keyof typeof PART_FORMAT;

export function decodeCursor(cursor: string, parts: readonly CursorPart[]): string[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === parts.length &&
      key.every((part, i) => typeof part === 'string' && PART_FORMAT[parts[i]].test(part))
    ) {
      return key as string[];
    }
  } catch {
    // reported below
  }
  throw new BadRequestException({ error: 'invalid_request', message: ['cursor is not valid'] });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` rows: the extra row only says that there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, view: (row: R) => T, key: (row: R) => string[]): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
