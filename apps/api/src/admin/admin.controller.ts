import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { AdminRuns, AdminRunView, RunContext, RunInProgressError } from '@app/admin-runs';
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
import { AdminProtected } from './admin-api.decorators.js';
import {
  AdminRun,
  BulkReplayResult,
  DeadLetterListQuery,
  DeadLetterPage,
  RebuildReport,
  RebuildRequest,
  ReplayParams,
  ReplayRequest,
  ReplayResult,
  RunParams,
} from './admin.dto.js';
import { DeadLettersReader } from './dead-letters.reader.js';
import { RebuildService } from './rebuild.service.js';
import { ReplayService } from './replay.service.js';
import { ValidatedInput } from '../http/validation.js';

@ApiTags('admin')
@AdminProtected()
@ValidatedInput()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly deadLetters: DeadLettersReader,
    private readonly replays: ReplayService,
    private readonly rebuilds: RebuildService,
    private readonly runs: AdminRuns,
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
    summary:
      'Runs stored events again, in the background: occurredAt in [from, to), canonical name or raw type in types (all types if absent).',
    description: 'Answers at once with the run; `GET /admin/replay/{runId}` tells how far it got ({matched, queued, alreadyProcessed}).',
  })
  @ApiAcceptedResponse({ type: AdminRun })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Another replay is running (its runId is given), or payloads_cleared: retention cleared payloads in the range.',
  })
  async replay(@Body() request: ReplayRequest): Promise<AdminRunView> {
    const { skipClearedPayloads, ...range } = request;
    if (Date.parse(range.from) >= Date.parse(range.to)) {
      throw new BadRequestException({ error: 'invalid_request', message: ['to must be after from'] });
    }
    const skipped = await this.replays.clearedPayloadsIn(range, { skipClearedPayloads });
    return this.start<BulkReplayResult>('replay', { ...request }, (run) => this.replays.replayMatching(range, run, skipped));
  }

  @Get('replay/:runId')
  @ApiOperation({ summary: 'A replay run: its status and counts so far.' })
  @ApiOkResponse({ type: AdminRun })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No replay run with this id.' })
  replayRun(@Param() { runId }: RunParams): Promise<AdminRunView> {
    return this.run('replay', runId);
  }

  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuilds every projection from the processed events of the event log, in the background.',
    description:
      'Reads go on meanwhile; writers wait on one table at a time, briefly. `GET /admin/rebuild/{runId}` gives the report: ' +
      'events re-applied and, per table, rows before and after and those unchanged (they keep createdAt/updatedAt).',
  })
  @ApiAcceptedResponse({ type: AdminRun })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Another rebuild is running (its runId is given), or payloads_cleared: retention cleared payloads of processed events.',
  })
  async rebuild(@Body() request: RebuildRequest): Promise<AdminRunView> {
    const skipped = await this.rebuilds.clearedPayloads({ skipClearedPayloads: request?.skipClearedPayloads });
    return this.start<RebuildReport>('rebuild', { ...request }, (run) => this.rebuilds.rebuild(run, skipped));
  }

  @Get('rebuild/:runId')
  @ApiOperation({ summary: 'A rebuild run: its status and report.' })
  @ApiOkResponse({ type: AdminRun })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No rebuild run with this id.' })
  rebuildRun(@Param() { runId }: RunParams): Promise<AdminRunView> {
    return this.run('rebuild', runId);
  }

  private async start<P extends object>(
    kind: string,
    params: Record<string, unknown>,
    work: (run: RunContext<P>) => Promise<P>,
  ): Promise<AdminRunView> {
    try {
      return await this.runs.start<P>(kind, params, work);
    } catch (error) {
      if (error instanceof RunInProgressError) {
        throw new ConflictException({ error: 'run_in_progress', message: `a ${kind} is running`, runId: error.runId });
      }
      throw error;
    }
  }

  private async run(kind: string, runId: string): Promise<AdminRunView> {
    const run = await this.runs.get(kind, runId);
    if (!run) throw new NotFoundException({ error: 'not_found', message: `no ${kind} run ${runId}` });
    return run;
  }
}
