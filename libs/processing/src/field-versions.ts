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
