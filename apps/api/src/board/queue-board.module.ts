import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { ALL_QUEUES } from '@app/queue';
import { BOARD_ROUTE } from './board-route.js';

/** Bull Board over every queue of the service (QueueName), producer connections of the API process. */
@Module({
  imports: [
    BullBoardModule.forRoot({
      route: BOARD_ROUTE,
      // @bull-board/fastify 9.10.1 (the latest) types against its own copy of @bull-board/api 9.10.1;
      // the classes differ only in declarations, the adapter works with the root 9.10.2.
      adapter: FastifyAdapter as unknown as BullBoardModuleOptions['adapter'],
      boardOptions: { uiConfig: { boardTitle: 'flexport-webhooks' } },
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueueBoardModule {}
