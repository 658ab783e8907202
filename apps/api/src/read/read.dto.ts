import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { EventCategory, MILESTONES } from '@app/flexport';
import { EVENT_STATUSES } from '@app/processing';
import { EmptyAsAbsent, PageQuery } from '../http/query.js';

export class IdParams {
  @ApiProperty({ description: 'Identifier as Flexport sends it.' })
  @IsString()
  @Length(1, 256)
  id: string;
}

export class ContainerParams {
  @ApiProperty({ example: 'MSCU1234565', description: 'Any case: numbers are stored upper case (ISO 6346).' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Length(1, 64)
  number: string;
}

export class EventIdParams {
  @ApiProperty({ description: 'The envelope id as a string, or `sha256:<hex>` of the raw body.' })
  @IsString()
  @Length(1, 512)
  eventId: string;
}

export class ShipmentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MILESTONES, description: 'Only shipments whose current status is this milestone.' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(MILESTONES)
  status?: string;
}

export class TimelineQuery extends PageQuery {}

export class EventListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Raw type (e.g. `/shipment_leg#departed`) or canonical name (e.g. `departed`).' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @Length(1, 256)
  type?: string;

  @ApiPropertyOptional({ enum: Object.values(EventCategory) })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(Object.values(EventCategory))
  category?: string;
}
