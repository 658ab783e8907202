import { ContainerFacts, EventCategory, InvalidEventError } from '@app/flexport';
import { HandlesEvents, ProjectionHandler, RowChange } from '@app/processing';
import type { EventVersion } from '@app/versions';
import { ContainerEntity } from './container.entity.js';
import { applyContainerEvent } from './container-state.js';

/** Keeps the `containers` projection: container_loaded and container_unloaded, for every container an event names. */
@HandlesEvents(EventCategory.Container)
export class ContainersHandler extends ProjectionHandler<ContainerEntity, ContainerFacts> {
  constructor() {
    super(ContainerEntity, 'containerNumber');
  }

  protected change(facts: ContainerFacts, version: EventVersion): RowChange<ContainerEntity> {
    if (facts.containerNumbers.length === 0) throw new InvalidEventError('container event names no container');
    return {
      keys: facts.containerNumbers,
      reduce: (current, containerNumber) => applyContainerEvent(current, containerNumber, facts, version),
    };
  }
}
