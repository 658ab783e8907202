import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EventCategory } from '@app/flexport';

/** The discoverable metadata behind @HandlesEvents: the categories a provider applies. */
export const EventHandlerMetadata = DiscoveryService.createDecorator<readonly EventCategory[]>();

/**
 * Marks a provider as the EventHandler of these categories. HandlerRegistry finds it at boot by this
 * metadata alone, and the worker refuses to start while a category has none or two.
 */
export function HandlesEvents(...categories: EventCategory[]): ClassDecorator {
  return applyDecorators(Injectable(), EventHandlerMetadata(categories));
}

/** The categories a handler class declared with @HandlesEvents (none when it did not). */
export function handledCategories(handler: object): readonly EventCategory[] {
  return (Reflect.getMetadata(EventHandlerMetadata.KEY, handler.constructor) as readonly EventCategory[] | undefined) ?? [];
}
