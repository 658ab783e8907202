import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventCategory } from '@app/flexport';
import type { EventHandler } from './event-handler.js';

const CATEGORIES = new Set<string>(Object.values(EventCategory));

export function isEventHandler(value: unknown): value is EventHandler {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<EventHandler>;
  return (
    Array.isArray(candidate.categories) &&
    candidate.categories.length > 0 &&
    candidate.categories.every((category) => CATEGORIES.has(category)) &&
    typeof candidate.apply === 'function'
  );
}

export class DuplicateHandlerError extends Error {
  override name = 'DuplicateHandlerError';
}

/**
 * Which EventHandler owns each category. Every provider of the application that implements
 * EventHandler is found by discovery, so domain modules only have to provide their service.
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

  missingCategories(): EventCategory[] {
    const handlers = this.all();
    return Object.values(EventCategory).filter((category) => !handlers.has(category));
  }

  private scan(): Map<EventCategory, EventHandler> {
    const handlers = new Map<EventCategory, EventHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.isDependencyTreeStatic()) continue;
      const instance: unknown = wrapper.instance;
      if (!isEventHandler(instance)) continue;
      for (const category of instance.categories) {
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
