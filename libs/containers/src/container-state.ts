import type { ContainerFacts } from '@app/flexport';
import { advanceLastEventAt, claimField, EventVersion } from '@app/processing';
import type { ContainerEntity } from './container.entity.js';

/** A row as the state rules see it: without the times it was written. */
export type ContainerState = Omit<ContainerEntity, 'createdAt' | 'updatedAt'>;

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
  const next: ContainerState = current
    ? { ...current, versions: { ...current.versions } }
    : {
        containerNumber,
        shipmentId: null,
        status: facts.status,
        lastEventAt: new Date(version.occurredAt),
        location: null,
        versions: {},
      };
  let changed = current === null;
  if (facts.shipmentId !== null && claimField(next.versions, 'shipmentId', version)) {
    next.shipmentId = facts.shipmentId;
    changed = true;
  }
  if (claimField(next.versions, 'status', version)) {
    next.status = facts.status;
    changed = true;
  }
  if (facts.location !== null && claimField(next.versions, 'location', version)) {
    next.location = { name: facts.location.name, country: facts.location.country };
    changed = true;
  }
  if (advanceLastEventAt(next, version)) changed = true;
  return changed ? next : (current as ContainerState);
}
