import { InvalidEventError } from './invalid-event.error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads an ISO-8601 instant (with `Z` or a local offset) or a calendar date (taken as midnight UTC)
 * and returns it as an ISO UTC string. Throws for anything else, so a bad date is dead-lettered.
 */
export function toInstant(value: unknown, field: string): string {
  if (typeof value === 'string') {
    const text = value.trim();
    if (DATE_ONLY.test(text) || DATE_TIME.test(text)) {
      const ms = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text.replace(' ', 'T'));
      if (Number.isFinite(ms)) return new Date(ms).toISOString();
    }
  }
  throw new InvalidEventError(`${field} is not an ISO-8601 date: ${JSON.stringify(value)?.slice(0, 80)}`);
}

export function toOptionalInstant(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : toInstant(value, field);
}

/** A calendar date (`YYYY-MM-DD`) as it was sent; instants are reduced to their UTC date. */
export function toCalendarDate(value: unknown, field: string): string {
  if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    toInstant(value, field);
    return value.trim();
  }
  return toInstant(value, field).slice(0, 10);
}

/**
 * A calendar date as the sender wrote it: `YYYY-MM-DD`, or the date part of an ISO instant in its own
 * offset (a last free day sent as `2026-04-10T23:59:00-07:00` is the 10th where the container is).
 */
export function toLocalCalendarDate(value: unknown, field: string): string {
  toInstant(value, field);
  return (value as string).trim().slice(0, 10);
}
