import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `?status=` means no filter: an empty query value is treated as absent. */
export const EmptyAsAbsent = () => Transform(({ value }) => (value === '' ? undefined : value));

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Transform(({ obj, key }) => {
    const raw: unknown = (obj as Record<string, unknown>)[key];
    return raw === '' || raw === undefined ? undefined : Number(raw);
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque).' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  cursor?: string;
}

export class ErrorResponse {
  @ApiPropertyOptional({ example: 'not_found' })
  error: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  message?: string | string[];
}
