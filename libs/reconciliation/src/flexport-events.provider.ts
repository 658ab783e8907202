import { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import { REDIS, type RedisClient } from '@app/queue';
import { createEventsClient } from './flexport-api.factory.js';

/** The FlexportEventsClient of the configured URL and credentials, or null when reconciliation is off. */
export const FLEXPORT_EVENTS_CLIENT = Symbol('FLEXPORT_EVENTS_CLIENT');

export const flexportEventsClientProvider: Provider = {
  provide: FLEXPORT_EVENTS_CLIENT,
  inject: [ConfigService, REDIS],
  useFactory: (config: TypedConfigService, redis: RedisClient) => {
    const app = config.get('app', { infer: true });
    return createEventsClient(app.reconciliation, redis, app.queuePrefix);
  },
};
