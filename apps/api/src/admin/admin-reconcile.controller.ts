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
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  parseWindow,
  ReconcileAccepted,
  ReconcileQueueUnavailableError,
  ReconcileRuns,
  ReconcileRunView,
  ReconciliationDisabledError,
} from '@app/reconciliation';
import { ErrorResponse } from '../http/query.js';
import { ValidatedInput } from '../http/validation.js';
import { BearerProtected } from '../read/read-api.decorators.js';
import { ReconcileAcceptedView, ReconcileRequestBody, ReconcileRunDetails, ReconcileRunParams } from './reconcile.dto.js';

export const RECONCILE_RETRY_AFTER_SECONDS = 5;

/** Reconciliation with Flexport's Events API on demand: a run over a window, in the background, and its progress. */
@ApiTags('admin')
@BearerProtected()
@ValidatedInput()
@Controller('admin/reconcile')
export class AdminReconcileController {
  constructor(private readonly runs: ReconcileRuns) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reconciles an occurred_at window with Flexport’s Events API, in the background.',
    description:
      'Lists every event Flexport delivered whose occurred_at lies in [from, to] and queues those the service does not have ' +
      '(source `reconcile`). Answers at once; follow the run with GET /admin/reconcile/{runId}. One run at a time: a run ' +
      'asked for while another is in progress waits for it.',
  })
  @ApiAcceptedResponse({ type: ReconcileAcceptedView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Reconciliation is off: no Flexport API credentials are configured.' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'Redis did not take the run: nothing was queued, ask again.',
    headers: { 'Retry-After': { description: 'Seconds to wait before asking again.', schema: { type: 'integer' } } },
  })
  async start(@Body() body: ReconcileRequestBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReconcileAccepted> {
    const window = parseWindow(body.from, body.to);
    if ('problem' in window) throw new BadRequestException({ error: 'invalid_request', message: [window.problem] });
    try {
      return await this.runs.start(window);
    } catch (error) {
      if (error instanceof ReconciliationDisabledError) {
        throw new ConflictException({ error: 'reconciliation_disabled', message: error.message });
      }
      if (error instanceof ReconcileQueueUnavailableError) {
        reply.header('Retry-After', String(RECONCILE_RETRY_AFTER_SECONDS));
        throw new ServiceUnavailableException({ error: 'queue_unavailable', message: 'the run could not be queued; ask again' });
      }
      throw error;
    }
  }

  @Get(':runId')
  @ApiOperation({ summary: 'A reconciliation run: its status, window and counts so far.' })
  @ApiOkResponse({ type: ReconcileRunDetails })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No run with this id (runs are kept 30 days).' })
  async find(@Param() { runId }: ReconcileRunParams): Promise<ReconcileRunView> {
    const run = await this.runs.find(runId);
    if (!run) throw new NotFoundException({ error: 'not_found', message: `no reconcile run ${runId}` });
    return run;
  }
}
