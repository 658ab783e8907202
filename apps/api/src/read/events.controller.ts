import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventsReader } from './events.reader.js';
import { found } from './not-found.js';
import { BearerProtected, NotFound } from './read-api.decorators.js';
import { EventIdParams, EventListQuery } from './read.dto.js';
import { EventPage, EventView } from './views.js';
import { ValidatedInput } from '../http/validation.js';

@ApiTags('read')
@BearerProtected()
@ValidatedInput()
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsReader) {}

  @Get()
  @ApiOperation({ summary: 'Search the event log, oldest received first.' })
  @ApiOkResponse({ type: EventPage })
  list(@Query() query: EventListQuery): Promise<EventPage> {
    return this.events.list(query);
  }

  @Get(':eventId')
  @ApiOperation({ summary: 'One event: its processing status, attempts and last error.' })
  @ApiOkResponse({ type: EventView })
  @NotFound('event')
  async get(@Param() { eventId }: EventIdParams): Promise<EventView> {
    return found(await this.events.find(eventId), 'event', eventId);
  }
}
