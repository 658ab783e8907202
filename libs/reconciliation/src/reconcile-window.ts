/** An `occurred_at` range, both ends included (Flexport's `gte` and `lte` filters). */
export interface ReconcileWindow {
  from: Date;
  to: Date;
}

/** The window a scheduled run covers: the last `lookbackS` seconds up to `now`. */
export function lookbackWindow(now: Date, lookbackS: number): ReconcileWindow {
  return { from: new Date(now.getTime() - lookbackS * 1000), to: now };
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** A window from two ISO-8601 times with an offset, `from` before `to`; a message otherwise. */
export function parseWindow(from: unknown, to: unknown): ReconcileWindow | { problem: string } {
  const parse = (name: string, value: unknown): Date | string => {
    const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
    if (!match) return `${name} must be an ISO-8601 time with an offset, e.g. 2026-03-01T00:00:00Z`;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
    // Date accepts 2026-02-30 as 2026-03-02: compare the fields with what they make.
    const fields = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const exact =
      fields.getUTCFullYear() === year &&
      fields.getUTCMonth() === month - 1 &&
      fields.getUTCDate() === day &&
      fields.getUTCHours() === hour &&
      fields.getUTCMinutes() === minute &&
      fields.getUTCSeconds() === second;
    return exact ? new Date(value as string) : `${name} is not a valid time: ${String(value)}`;
  };
  const start = parse('from', from);
  const end = parse('to', to);
  if (typeof start === 'string') return { problem: start };
  if (typeof end === 'string') return { problem: end };
  if (start.getTime() >= end.getTime()) return { problem: 'from must be before to' };
  return { from: start, to: end };
}
