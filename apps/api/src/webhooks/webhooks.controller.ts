import { Controller, Headers, HttpCode, Logger, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SelfLogged } from '@app/observability';
import { IntakeResult, IntakeService } from '@app/intake';
import { FlexportSignatureGuard } from './flexport-signature.guard.js';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { RawBody } from './raw-body.decorator.js';
import { WebhookErrorsFilter } from './webhook-errors.filter.js';
import { WebhookAccepted, WebhookError, WebhookQuarantined } from './webhook-responses.js';

/**
 * POST /webhooks/flexport: the signature guard checks the raw bytes, then the intake queues the
 * event and the answer goes out only once Redis has stored it. The route is the hot path: nothing
 * global runs on it that does no work for it (no validation pipe, no request-logging middleware;
 * it writes one line of its own).
 */
@ApiTags('webhooks')
@SelfLogged()
@ApiExtraModels(WebhookAccepted, WebhookQuarantined)
@Controller()
export class WebhooksController {
  private readonly logger = new Logger('Webhooks');

  constructor(private readonly intake: IntakeService) {}

  @Post(WEBHOOK_PATH)
  @HttpCode(200)
  @UseGuards(FlexportSignatureGuard)
  @UseFilters(WebhookErrorsFilter)
  @ApiOperation({
    summary: 'Receives a Flexport webhook (API v2 `/event` or compact JSON).',
    description:
      'The HMAC is checked over the raw bytes before anything else. The answer is sent only once the event is durably ' +
      'queued; the same event delivered again is processed once and answered `duplicate`.',
  })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: false,
    description: '`sha256=<hex HMAC-SHA256>` or bare hex; decides alone when present.',
  })
  @ApiHeader({ name: 'X-Hub-Signature', required: false, description: 'Legacy: `sha1=<hex>` / bare 40 hex (HMAC-SHA1), or sha256.' })
  @ApiBody({ description: 'The event envelope, signed byte for byte.', schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({
    description: 'Queued, duplicate, or (a signed body that is not an event) quarantined.',
    schema: { oneOf: [{ $ref: getSchemaPath(WebhookAccepted) }, { $ref: getSchemaPath(WebhookQuarantined) }] },
  })
  @ApiUnauthorizedResponse({ type: WebhookError, description: 'Missing, malformed or wrong signature: `{"error":"invalid_signature"}`.' })
  @ApiPayloadTooLargeResponse({ description: 'Body over WEBHOOK_BODY_LIMIT_BYTES (1 MiB by default).' })
  @ApiServiceUnavailableResponse({
    type: WebhookError,
    description: 'The event could not be queued (Redis unavailable): nothing was acknowledged, retry later.',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  })
  async receive(
    @RawBody() body: Buffer,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<IntakeResult> {
    const result = await this.intake.accept(body, contentType ?? null);
    // Object.assign, not spread: this runs once per webhook.
    this.logger.log(Object.assign({ msg: 'webhook', reqId: request.id }, result));
    return result;
  }
}
