import { catalogueRank } from '@app/flexport';

/**
 * The version an event gives the fields it sets. For each field the event with the greatest
 * version wins: latest occurredAt, then the later name in catalogue order, then the larger eventId
 * (README "Processing rules"). Comparing versions, never arrival order, makes state a function of the event set.
 */
export interface EventVersion {
  occurredAt: string;
  name: string | null;
  eventId: string;
}

export function compareVersions(a: EventVersion, b: EventVersion): number {
  const byTime = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (byTime !== 0) return Math.sign(byTime);
  const byRank = catalogueRank(a.name) - catalogueRank(b.name);
  if (byRank !== 0) return Math.sign(byRank);
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** True when `candidate` should replace the value last written by `current` (absent: always). */
export function supersedes(candidate: EventVersion, current: EventVersion | null | undefined): boolean {
  return !current || compareVersions(candidate, current) > 0;
}
