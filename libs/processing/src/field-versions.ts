import type { NormalizedEvent } from '@app/flexport';
import { EventVersion, supersedes } from './event-version.js';

/** For each field (or group of fields) of a projection row, the version of the event that last set it. */
export type FieldVersions = Record<string, EventVersion>;

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

/** Sets a field named by the sender, as an own property even when it is called `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Writes each free field the event carries where its version wins; true when any was written. */
export function claimDetails(
  details: Record<string, unknown>,
  incoming: Record<string, unknown>,
  versions: FieldVersions,
  version: EventVersion,
): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(incoming)) {
    if (value !== undefined && claimField(versions, `details.${key}`, version)) {
      setOwn(details, key, value);
      changed = true;
    }
  }
  return changed;
}

/** Moves a row's `lastEventAt` forward to the event's occurredAt; true when it moved. */
export function advanceLastEventAt(row: { lastEventAt: Date }, version: EventVersion): boolean {
  const occurredAt = new Date(version.occurredAt);
  if (occurredAt <= row.lastEventAt) return false;
  row.lastEventAt = occurredAt;
  return true;
}
