import type { NormalizedEvent } from '@app/flexport';
import { EventVersion, supersedes } from './event-version.js';

/** For each field (or group of fields) of a projection row, the version of the event that last set it. */
export type FieldVersions = Record<string, EventVersion>;

/** What every projection row carries for its state rules: the versions of its fields and its latest event's time. */
export interface VersionedRow {
  versions: FieldVersions;
  lastEventAt: Date;
}

export function versionOf(event: Pick<NormalizedEvent, 'occurredAt' | 'name' | 'eventId'>): EventVersion {
  return { occurredAt: event.occurredAt, name: event.name, eventId: event.eventId };
}

/**
 * True, and records `version` as the field's, when `version` beats the field's current version:
 * the caller then writes the field. Applying an event twice claims nothing the second time.
 */
export function claimField(versions: FieldVersions, field: string, version: EventVersion): boolean {
  if (!supersedes(version, versions[field])) return false;
  versions[field] = version;
  return true;
}

/**
 * Claims a field at a version: writes `value` when the event mentions the field (`value` is not
 * undefined) and its version beats the field's. True when written.
 */
export function claim<R extends VersionedRow, K extends keyof R & string>(
  row: R,
  field: K,
  value: R[K] | undefined,
  version: EventVersion,
): boolean {
  if (value === undefined || !claimField(row.versions, field, version)) return false;
  row[field] = value;
  return true;
}

/** A fact's ISO instant as the Date its column holds, for claim(): undefined (not mentioned) and null (cleared) pass through. */
export function factDate(value: string | undefined): Date | undefined;
export function factDate(value: string | null | undefined): Date | null | undefined;
export function factDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}

/** Sets a field named by the sender, as an own property even when it is called `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Writes each free field of `incoming` into `row.details` where its version wins (copying `details` first); true when any was written. */
export function claimDetails(
  row: VersionedRow & { details: Record<string, unknown> },
  incoming: Record<string, unknown>,
  version: EventVersion,
): boolean {
  let details: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined || !claimField(row.versions, `details.${key}`, version)) continue;
    details ??= { ...row.details };
    setOwn(details, key, value);
  }
  if (!details) return false;
  row.details = details;
  return true;
}

/** Moves a row's `lastEventAt` forward to the event's occurredAt; true when it moved. */
export function advanceLastEventAt(row: { lastEventAt: Date }, version: EventVersion): boolean {
  const occurredAt = new Date(version.occurredAt);
  if (occurredAt <= row.lastEventAt) return false;
  row.lastEventAt = occurredAt;
  return true;
}

/**
 * One projection row after one more event, whatever the order events arrive in: `create` gives a new
 * row's own fields, `claimAll` claims the fields the event sets (with `claim`, `claimDetails`) on a
 * copy and says whether any was written, and `lastEventAt` moves to the latest occurredAt.
 * Returns `current` itself when the event changes nothing, which saves the write.
 */
export function nextRow<R extends VersionedRow>(
  current: R | null,
  create: () => Omit<R, keyof VersionedRow>,
  version: EventVersion,
  claimAll: (row: R) => boolean,
): R {
  const row = (
    current ? { ...current, versions: { ...current.versions } } : { ...create(), versions: {}, lastEventAt: new Date(version.occurredAt) }
  ) as R;
  const claimed = claimAll(row);
  const moved = advanceLastEventAt(row, version);
  return current === null || claimed || moved ? row : current;
}
