import type { ContainerFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, EventVersion, nextRow } from '@app/versions';
import type { ContainerEntity } from './container.entity.js';

export type ContainerState = ProjectionState<ContainerEntity>;

/**
 * One container after one more event that names it. The status is that of the greatest-versioned
 * event; shipment id and location those of the greatest-versioned event that carried one (null
 * means the event did not); `lastEventAt` is the latest occurredAt.
 * Returns `current` itself when the event changes nothing.
 */
export function applyContainerEvent(
  current: ContainerState | null,
  containerNumber: string,
  facts: ContainerFacts,
  version: EventVersion,
): ContainerState {
  const location = facts.location && { name: facts.location.name, country: facts.location.country };
  return nextRow(
    current,
    () => ({ containerNumber, shipmentId: null, status: facts.status, location: null }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'status', facts.status, version),
        claim(row, 'location', location ?? undefined, version),
      ].includes(true),
  );
}
