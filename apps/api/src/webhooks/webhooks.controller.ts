import { Controller, HttpCode, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
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
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { IntakeResult, IntakeService, QueueUnavailableError } from './intake.service.js';
import { rawBodyOf, SignatureGuard } from './signature.guard.js';
import { WebhookAccepted, WebhookError, WebhookQuarantined } from './webhook-responses.js';

export const RETRY_AFTER_SECONDS = 5;

@ApiTags('webhooks')
@ApiExtraModels(WebhookAccepted, WebhookQuarantined)
@Controller()
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(private readonly intake: IntakeService) {}

  @Post(WEBHOOK_PATH)
  @HttpCode(200)
  @UseGuards(SignatureGuard)
  @ApiOperation({
    summary: 'Receives a Flexport webhook (API v2 `/event` or compact JSON).',
    description:
      'The HMAC is checked over the raw bytes before anything else. The answer is sent only once the event is durably ' +
      'queued; the same event delivered again is processed once and answered `duplicate`.',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: false, description: '`sha256=<hex HMAC-SHA256>` or bare hex; decides alone when present.' })
  @ApiHeader({ name: 'X-Hub-Signature', required: false, description: 'Legacy: `sha1=<hex>` / bare 40 hex (HMAC-SHA1), or sha256.' })
  @ApiConsumes('application/json')
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
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeResult | { error: string }> {
    const contentType = request.headers['content-type'] ?? null;
    try {
      const result = await this.intake.accept(rawBodyOf(request), contentType);
      this.logger.log({ msg: 'webhook', reqId: request.id, ...result });
      return result;
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.error({ msg: 'webhook not queued: redis unavailable', reqId: request.id, error: error.message });
      reply.status(503).header('Retry-After', String(RETRY_AFTER_SECONDS));
      return { error: 'queue_unavailable' };
    }
  }
}
