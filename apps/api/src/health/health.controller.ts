import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { REDIS, type RedisClient } from '@app/queue';

/** Each dependency must answer within this; with it, readiness turns within ~2 s of one going away. */
export const DEPENDENCY_TIMEOUT_MS = 1500;

/** No auth: load balancers and orchestrators call these. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true })
  @ApiOperation({ summary: 'The process is up and serving HTTP.' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true })
  @ApiOperation({ summary: 'Postgres and Redis both answer (503 otherwise).' })
  @ApiServiceUnavailableResponse({ description: 'Postgres or Redis did not answer within 1.5 s; `error` says which.' })
  ready() {
    return this.health.check([
      () => this.database.pingCheck('postgres').withTimeout(DEPENDENCY_TIMEOUT_MS),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            if ((await this.redis.ping()) !== 'PONG') throw new Error('unexpected PING answer');
          })
          .withTimeout(DEPENDENCY_TIMEOUT_MS),
    ]);
  }
}
