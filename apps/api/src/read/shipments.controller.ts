import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidCursorError, ShipmentReader } from '@app/milestones';
import { DEFAULT_PAGE_SIZE } from '../http/query.js';
import { found } from './not-found.js';
import { BearerProtected, NotFound } from './read-api.decorators.js';
import { IdParams, ShipmentListQuery } from './read.dto.js';
import { ShipmentPage, ShipmentView } from './views.js';

@ApiTags('read')
@BearerProtected()
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentReader) {}

  @Get()
  @ApiOperation({ summary: 'Shipments, by id; optionally only those whose status is a milestone.' })
  @ApiOkResponse({ type: ShipmentPage })
  async list(@Query() query: ShipmentListQuery): Promise<ShipmentPage> {
    try {
      return await this.shipments.list({ status: query.status, limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException({ error: 'invalid_request', message: ['cursor is not valid'] });
      throw error;
    }
  }

  @Get(':id')
  @ApiOperation({ summary: 'A shipment: status, location, transit dates, milestone history, containers.' })
  @ApiOkResponse({ type: ShipmentView })
  @NotFound('shipment')
  async get(@Param() { id }: IdParams): Promise<ShipmentView> {
    return found(await this.shipments.findById(id), 'shipment', id);
  }
}
