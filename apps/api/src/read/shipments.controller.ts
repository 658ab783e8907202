import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ShipmentReader } from '@app/milestones';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../http/query.js';
import { found } from './not-found.js';
import { BearerProtected, NotFound } from './read-api.decorators.js';
import { IdParams, ShipmentListQuery, TimelineQuery } from './read.dto.js';
import { TimelineReader } from './timeline.reader.js';
import { ShipmentPage, ShipmentView, TimelinePage } from './views.js';
import { ValidatedInput } from '../http/validation.js';

@ApiTags('read')
@BearerProtected()
@ValidatedInput()
@Controller('shipments')
export class ShipmentsController {
  constructor(
    private readonly shipments: ShipmentReader,
    private readonly timelines: TimelineReader,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Shipments, by id; optionally only those whose status is a milestone.' })
  @ApiOkResponse({ type: ShipmentPage })
  async list(@Query() query: ShipmentListQuery): Promise<ShipmentPage> {
    const [afterId] = query.cursor ? decodeCursor(query.cursor, ['text']) : [null];
    const { items, hasMore } = await this.shipments.list({ status: query.status, limit: query.limit ?? DEFAULT_PAGE_SIZE, afterId });
    const last = items[items.length - 1];
    return { items, nextCursor: hasMore && last ? encodeCursor([last.id]) : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A shipment: status, location, transit dates, customs status, milestones, exceptions, containers.' })
  @ApiOkResponse({ type: ShipmentView })
  @NotFound('shipment')
  async get(@Param() { id }: IdParams): Promise<ShipmentView> {
    return found(await this.shipments.findById(id), 'shipment', id);
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary: 'Every event that names the shipment, ignored and dead-lettered ones included, ascending by occurredAt.',
  })
  @ApiOkResponse({ type: TimelinePage })
  @NotFound('shipment')
  async timeline(@Param() { id }: IdParams, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return found(await this.timelines.page(id, query), 'shipment', id);
  }
}
