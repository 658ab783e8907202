import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { METRICS_TOKEN_SCHEME, MetricsTokenGuard } from '../auth/metrics-token.guard.js';
import type { FastifyReply } from 'fastify';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@UseGuards(MetricsTokenGuard)
@ApiBearerAuth(METRICS_TOKEN_SCHEME)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics: event counters by category, latency histograms, queue depths, dead letters.',
    description:
      'Counters and histograms are cluster-wide totals (kept in Redis by every API and worker process), so any one ' +
      'API instance shows them all: scrape one, or deduplicate with max(). process_* and nodejs_* are per process.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4.', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it as a bearer token.' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.scrape();
    reply.header('Content-Type', this.metrics.contentType);
    return body;
  }
}
