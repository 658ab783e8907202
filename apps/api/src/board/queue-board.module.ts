import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BULL_BOARD_INSTANCE, BullBoardModule } from '@bull-board/nestjs';
import type { BullBoardInstance, BullBoardModuleOptions } from '@bull-board/nestjs';
import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TypedConfigService } from '@app/config';
import { QueueRegistry } from '../queue-registry.js';
import { BOARD_ROUTE } from './board-route.js';

/**
 * Puts every queue of the service on the board, read-only unless BOARD_READ_ONLY=false (bull-board's
 * readOnlyMode hides the buttons; the routes themselves are refused by refuseBoardChanges).
 */
@Injectable()
class BoardQueues implements OnModuleInit {
  constructor(
    @Inject(BULL_BOARD_INSTANCE) private readonly board: BullBoardInstance,
    private readonly queues: QueueRegistry,
    @Inject(ConfigService) private readonly config: TypedConfigService,
  ) {}

  onModuleInit(): void {
    const readOnlyMode = this.config.get('app', { infer: true }).boardReadOnly;
    for (const queue of this.queues.all().values()) this.board.addQueue(new BullMQAdapter(queue, { readOnlyMode }));
  }
}

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
  ],
  providers: [QueueRegistry, BoardQueues],
})
export class QueueBoardModule {}
