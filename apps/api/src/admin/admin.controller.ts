import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponse } from '../http/query.js';
import { BearerProtected } from '../read/read-api.decorators.js';
import {
  BulkReplayResult,
  DeadLetterListQuery,
  DeadLetterPage,
  RebuildReport,
  RebuildRequest,
  ReplayParams,
  ReplayRequest,
  ReplayResult,
} from './admin.dto.js';
import { DeadLettersReader } from './dead-letters.reader.js';
import { RebuildService } from './rebuild.service.js';
import { ReplayService } from './replay.service.js';
import { ValidatedInput } from '../http/validation.js';

@ApiTags('admin')
@BearerProtected()
@ValidatedInput()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly deadLetters: DeadLettersReader,
    private readonly replays: ReplayService,
    private readonly rebuilds: RebuildService,
  ) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Dead letters (never deleted): failed events and quarantined bodies, oldest first.' })
  @ApiOkResponse({ type: DeadLetterPage })
  listDeadLetters(@Query() query: DeadLetterListQuery): Promise<DeadLetterPage> {
    return this.deadLetters.list(query);
  }

  @Post('dead-letters/:eventId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Runs a dead-lettered event again, through its queue.' })
  @ApiAcceptedResponse({ type: ReplayResult })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No dead letter for this event id.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'Redis unavailable: nothing was queued.' })
  async replayDeadLetter(@Param() { eventId }: ReplayParams): Promise<ReplayResult> {
    if (!(await this.deadLetters.hasEvent(eventId))) {
      throw new NotFoundException({ error: 'not_found', message: `no dead letter for event ${eventId}` });
    }
    return this.replays.replay(eventId);
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Runs stored events again: occurredAt in [from, to), canonical name or raw type in types (all optional).',
  })
  @ApiAcceptedResponse({ type: BulkReplayResult })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'Redis unavailable: retry (already queued ones run once).' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'payloads_cleared: retention cleared payloads in the range.' })
  replay(@Body() request: ReplayRequest): Promise<BulkReplayResult> {
    const { skipClearedPayloads, ...range } = request ?? {};
    return this.replays.replayMatching(range, { skipClearedPayloads });
  }

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuilds every projection from the processed events of the event log, in one transaction.' })
  @ApiOkResponse({ type: RebuildReport })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Another rebuild is running, or payloads_cleared: retention cleared payloads of processed events.',
  })
  rebuild(@Body() request: RebuildRequest): Promise<RebuildReport> {
    return this.rebuilds.rebuild({ skipClearedPayloads: request?.skipClearedPayloads });
  }
}
