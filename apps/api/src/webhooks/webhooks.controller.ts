import { Controller, HttpCode, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_PATH } from '../http/body-parsers.js';
import { IntakeResult, IntakeService, QueueUnavailableError } from './intake.service.js';
import { rawBodyOf, SignatureGuard } from './signature.guard.js';

export const RETRY_AFTER_SECONDS = 5;

@Controller()
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(private readonly intake: IntakeService) {}

  @Post(WEBHOOK_PATH)
  @HttpCode(200)
  @UseGuards(SignatureGuard)
  async receive(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeResult | { error: string }> {
    const contentType = request.headers['content-type'] ?? null;
    try {
      const result = await this.intake.accept(rawBodyOf(request), contentType);
      if (result.status !== 'quarantined') {
        this.logger.log({ msg: 'webhook accepted', eventId: result.eventId, status: result.status, reqId: request.id });
      }
      return result;
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.error({ msg: 'webhook not queued: redis unavailable', reqId: request.id, error: error.message });
      reply.status(503).header('Retry-After', String(RETRY_AFTER_SECONDS));
      return { error: 'queue_unavailable' };
    }
  }
}
