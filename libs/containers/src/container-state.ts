import type { ContainerFacts } from '@app/flexport';
import type { ProjectionState } from '@app/database';
import { claim, EventVersion, factDate, nextRow } from '@app/versions';
import type { ContainerEntity } from './container.entity.js';

export type ContainerState = ProjectionState<ContainerEntity>;

/**
 * One container after one more event that names it. The status is that of the greatest-versioned
 * loading or unloading event; shipment id, location and each date those of the greatest-versioned
 * event that carried one (null: the event did not); `lastEventAt` is the latest occurredAt.
 * Returns `current` itself when the event changes nothing.
 */
export function applyContainerEvent(
  current: ContainerState | null,
  containerNumber: string,
  facts: ContainerFacts,
  version: EventVersion,
): ContainerState {
  const location = facts.location && { name: facts.location.name, country: facts.location.country };
  const dates = Object.hasOwn(facts.dates, containerNumber) ? facts.dates[containerNumber] : {};
  return nextRow(
    current,
    () => ({
      containerNumber,
      shipmentId: null,
      status: null,
      location: null,
      lastFreeDay: null,
      availableForPickupAt: null,
      emptyReturnedAt: null,
    }),
    version,
    (row) =>
      [
        claim(row, 'shipmentId', facts.shipmentId ?? undefined, version),
        claim(row, 'status', facts.status ?? undefined, version),
        claim(row, 'location', location ?? undefined, version),
        claim(row, 'lastFreeDay', dates.lastFreeDay, version),
        claim(row, 'availableForPickupAt', factDate(dates.availableForPickupAt), version),
        claim(row, 'emptyReturnedAt', factDate(dates.emptyReturnedAt), version),
      ].includes(true),
  );
}
