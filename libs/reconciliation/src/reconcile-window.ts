/** An `occurred_at` range, both ends included (Flexport's `gte` and `lte` filters). */
export interface ReconcileWindow {
  from: Date;
  to: Date;
}

/** The window a scheduled run covers: the last `lookbackS` seconds up to `now`. */
export function lookbackWindow(now: Date, lookbackS: number): ReconcileWindow {
  return { from: new Date(now.getTime() - lookbackS * 1000), to: now };
}

/** A window from two ISO-8601 times with an offset, `from` before `to`; a message otherwise. */
export function parseWindow(from: unknown, to: unknown): ReconcileWindow | { problem: string } {
  const parse = (name: string, value: unknown): Date | string => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
      return `${name} must be an ISO-8601 time with an offset, e.g. 2026-03-01T00:00:00Z`;
    }
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? `${name} is not a valid time: ${value}` : at;
  };
  const start = parse('from', from);
  const end = parse('to', to);
  if (typeof start === 'string') return { problem: start };
  if (typeof end === 'string') return { problem: end };
  if (start.getTime() >= end.getTime()) return { problem: 'from must be before to' };
  return { from: start, to: end };
}
