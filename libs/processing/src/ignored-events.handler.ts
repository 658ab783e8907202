import { Injectable } from '@nestjs/common';
import { EventCategory } from '@app/flexport';
import type { EventHandler } from './event-handler.js';

/**
 * Events of types the catalogue does not know: the pipeline keeps them in the event log as
 * `ignored` (never rejected), to be reprocessed once their type is supported.
 */
@Injectable()
export class IgnoredEventsHandler implements EventHandler {
  readonly categories = [EventCategory.Unknown] as const;

  async apply(): Promise<void> {}
}
