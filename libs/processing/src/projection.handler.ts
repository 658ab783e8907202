import type { EntityManager } from 'typeorm';
import { EventCategory, EventFacts, InvalidEventError, NormalizedEvent } from '@app/flexport';
import { EventVersion, versionOf } from '@app/versions';
import type { EventHandler } from './event-handler.js';
import { handledCategories } from './handles-events.decorator.js';
import type { ProjectionEntity } from '@app/database';
import { applyChangesToRows, RowChange } from './projection-rows.js';

/**
 * The handler of a domain whose state is one projection table keyed by one column: a subclass names
 * its entity and key, declares its categories with @HandlesEvents and says, in `change`, which rows
 * an event touches and how (its pure reducer). Events of any other category are invalid.
 */
export abstract class ProjectionHandler<E extends ProjectionEntity, F extends EventFacts> implements EventHandler {
  readonly projections: readonly (new () => E)[];
  private readonly categories: readonly EventCategory[];

  protected constructor(
    private readonly entity: new () => E,
    private readonly key: keyof E & string,
  ) {
    this.projections = [entity];
    this.categories = handledCategories(this);
  }

  protected abstract change(facts: F, version: EventVersion): RowChange<E>;

  async apply(manager: EntityManager, event: NormalizedEvent): Promise<void> {
    await applyChangesToRows(manager, this.entity, this.key, [this.changeOf(event)]);
  }

  async applyBatch(manager: EntityManager, events: readonly NormalizedEvent[]): Promise<void> {
    await applyChangesToRows(
      manager,
      this.entity,
      this.key,
      events.map((event) => this.changeOf(event)),
    );
  }

  private changeOf(event: NormalizedEvent): RowChange<E> {
    const { facts } = event;
    if (!this.categories.includes(facts.category)) {
      throw new InvalidEventError(`${this.constructor.name} cannot apply a ${facts.category} event`);
    }
    return this.change(facts as F, versionOf(event));
  }
}
