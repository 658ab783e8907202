import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventCategory, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { applyChangesToRows, EventHandler, RowChange, versionOf } from '@app/processing';
import { ContainerEntity } from './container.entity.js';
import { applyContainerEvent } from './container-state.js';

/** Keeps the `containers` projection: container_loaded and container_unloaded, for every container an event names. */
@Injectable()
export class ContainersService implements EventHandler {
  readonly categories = [EventCategory.Container] as const;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, ContainerEntity, 'containerNumber', [this.change(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      ContainerEntity,
      'containerNumber',
      events.map((event) => this.change(event)),
    );
  }

  private change(event: NormalizedEvent): RowChange<ContainerEntity> {
    const { facts } = event;
    if (facts.category !== EventCategory.Container) {
      throw new InvalidEventError(`containers cannot apply a ${facts.category} event`);
    }
    if (facts.containerNumbers.length === 0) throw new InvalidEventError('container event names no container');
    const version = versionOf(event);
    return {
      keys: facts.containerNumbers,
      reduce: (current, containerNumber) => applyContainerEvent(current, containerNumber, facts, version),
    };
  }
}
