import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { EventCategory } from '@app/flexport';
import type { EventHandler } from './event-handler.js';
import { DuplicateHandlerError, HandlerRegistry } from './handler-registry.js';
import { handledCategories, HandlesEvents } from './handles-events.decorator.js';

@HandlesEvents(EventCategory.Booking)
class BookingRules implements EventHandler {
  readonly projections = [];
  async apply(): Promise<void> {}
}

@HandlesEvents(EventCategory.Milestone, EventCategory.Transit)
class ShipmentRules implements EventHandler {
  readonly projections = [];
  async apply(): Promise<void> {}
}

@HandlesEvents(EventCategory.Booking)
class OtherBookingRules implements EventHandler {
  readonly projections = [];
  async apply(): Promise<void> {}
}

/** Looks like a handler (it has `apply`), but declares nothing: it must not be taken for one. */
@Injectable()
class LooksLikeAHandler {
  readonly categories = [EventCategory.Invoice];
  async apply(): Promise<void> {}
}

async function registryOf(...providers: (new () => object)[]): Promise<HandlerRegistry> {
  @Module({ imports: [DiscoveryModule], providers: [HandlerRegistry, ...providers] })
  class Probe {}
  const module = await Test.createTestingModule({ imports: [Probe] }).compile();
  return module.get(HandlerRegistry);
}

describe('HandlerRegistry', () => {
  it('finds the providers declared with @HandlesEvents, one per category they name', async () => {
    const registry = await registryOf(BookingRules, ShipmentRules, LooksLikeAHandler);
    expect(registry.resolve(EventCategory.Booking)).toBeInstanceOf(BookingRules);
    expect(registry.resolve(EventCategory.Milestone)).toBeInstanceOf(ShipmentRules);
    expect(registry.resolve(EventCategory.Transit)).toBeInstanceOf(ShipmentRules);
    expect(registry.resolve(EventCategory.Invoice)).toBeUndefined();
  });

  it('names every category that still needs a handler, never the unknown one', async () => {
    const registry = await registryOf(BookingRules, ShipmentRules);
    expect(registry.missingCategories().sort()).toEqual(
      [EventCategory.PurchaseOrder, EventCategory.Invoice, EventCategory.Document, EventCategory.Container, EventCategory.Exception].sort(),
    );
  });

  it('refuses two handlers for one category', async () => {
    const registry = await registryOf(BookingRules, OtherBookingRules);
    expect(() => registry.all()).toThrow(DuplicateHandlerError);
  });

  it('reads the declared categories back from a handler', () => {
    expect(handledCategories(new ShipmentRules())).toEqual([EventCategory.Milestone, EventCategory.Transit]);
    expect(handledCategories(new LooksLikeAHandler())).toEqual([]);
  });
});
