import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventCategory } from '@app/flexport';
import type { EventHandler } from './event-handler.js';
import { EventHandlerMetadata } from './handles-events.decorator.js';

export class DuplicateHandlerError extends Error {
  override name = 'DuplicateHandlerError';
}

/**
 * Which EventHandler owns each category: the providers declared with @HandlesEvents, found by
 * discovery. Events of unknown types have no handler: the pipeline keeps them as `ignored`.
 */
@Injectable()
export class HandlerRegistry {
  private handlers?: Map<EventCategory, EventHandler>;

  constructor(private readonly discovery: DiscoveryService) {}

  resolve(category: EventCategory): EventHandler | undefined {
    return this.all().get(category);
  }

  all(): ReadonlyMap<EventCategory, EventHandler> {
    this.handlers ??= this.scan();
    return this.handlers;
  }

  /** Categories that need a handler and have none in this application. */
  missingCategories(): EventCategory[] {
    const handlers = this.all();
    return Object.values(EventCategory).filter((category) => category !== EventCategory.Unknown && !handlers.has(category));
  }

  private scan(): Map<EventCategory, EventHandler> {
    const handlers = new Map<EventCategory, EventHandler>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: EventHandlerMetadata.KEY })) {
      const categories = this.discovery.getMetadataByDecorator(EventHandlerMetadata, wrapper) ?? [];
      const instance = wrapper.instance as EventHandler | undefined;
      // One instance serves every event: a request-scoped or transient handler cannot be one.
      if (!wrapper.isDependencyTreeStatic() || !instance) throw new Error(`event handler ${wrapper.name} must be a singleton provider`);
      for (const category of categories) {
        const current = handlers.get(category);
        if (current && current !== instance) {
          throw new DuplicateHandlerError(
            `event category ${category} has two handlers: ${current.constructor.name} and ${instance.constructor.name}`,
          );
        }
        handlers.set(category, instance);
      }
    }
    return handlers;
  }
}
