import { ConflictException } from '@nestjs/common';
import type { ClearedPayloads } from '@app/processing';

/** The 409 of a replay or rebuild over events whose payloads were cleared, saying which and how to go on. */
function payloadsClearedConflict(what: string, cleared: ClearedPayloads): ConflictException {
  return new ConflictException({
    error: 'payloads_cleared',
    message:
      `${cleared.count} processed event(s) in the ${what} have had their payloads cleared (EVENT_PAYLOAD_RETENTION_DAYS); ` +
      'pass skipClearedPayloads: true to run without them',
    cleared,
  });
}

/**
 * What a replay or rebuild over `what` goes on without: null when no payload there was cleared; the
 * 409 (before any run starts) unless told to skip them; else the cleared events, to be reported.
 */
export function payloadsToSkip(what: string, cleared: ClearedPayloads, skip = false): ClearedPayloads | null {
  if (cleared.count === 0) return null;
  if (!skip) throw payloadsClearedConflict(what, cleared);
  return cleared;
}
