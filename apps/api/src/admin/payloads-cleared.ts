import { ConflictException } from '@nestjs/common';
import type { ClearedPayloads } from '@app/processing';

/** The 409 of a replay or rebuild over events whose payloads were cleared, saying which and how to go on. */
export function payloadsClearedConflict(what: string, cleared: ClearedPayloads): ConflictException {
  return new ConflictException({
    error: 'payloads_cleared',
    message:
      `${cleared.count} processed event(s) in the ${what} have had their payloads cleared (EVENT_PAYLOAD_RETENTION_DAYS); ` +
      'pass skipClearedPayloads: true to run without them',
    cleared,
  });
}
