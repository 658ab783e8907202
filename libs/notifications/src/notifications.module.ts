import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MILESTONE_LISTENER } from '@app/milestones';
import { NotificationDeliveriesService } from './notification-deliveries.service.js';
import { NotificationDeliveryEntity } from './notification-delivery.entity.js';
import { NotificationOutboxEntity } from './notification-outbox.entity.js';
import { NotificationOutboxListener } from './notification-outbox.listener.js';
import {
  NOTIFICATION_JOB_OPTIONS,
  NOTIFICATION_JOB_POLICY,
  NOTIFICATION_RELAY_OPTIONS,
  NOTIFICATION_RELAY_POLICY,
} from './notification-policy.js';
import { NotificationRelay } from './notification-relay.service.js';
import { NotificationsProcessor } from './notifications.processor.js';
import { NotifierService } from './notifier.service.js';
import { OutboxCommitSignal } from './outbox-commit.signal.js';

const jobPolicy = { provide: NOTIFICATION_JOB_POLICY, useValue: NOTIFICATION_JOB_OPTIONS };
const entities = TypeOrmModule.forFeature([NotificationOutboxEntity, NotificationDeliveryEntity]);

/**
 * Worker role only: writes the outbox (as MILESTONE_LISTENER, hence global: MilestonesHandler
 * finds it), relays it onto the notifications queue and consumes that queue.
 * Needs DatabaseModule and QueueModule.
 */
@Global()
@Module({
  imports: [entities],
  providers: [
    jobPolicy,
    { provide: NOTIFICATION_RELAY_POLICY, useValue: NOTIFICATION_RELAY_OPTIONS },
    OutboxCommitSignal,
    NotificationOutboxListener,
    { provide: MILESTONE_LISTENER, useExisting: NotificationOutboxListener },
    NotificationRelay,
    NotifierService,
    NotificationsProcessor,
    NotificationDeliveriesService,
  ],
  exports: [MILESTONE_LISTENER, NotificationDeliveriesService],
})
export class NotificationsModule {}

/** For the API process: list and replay deliveries, no consumer. Needs DatabaseModule and QueueModule. */
@Module({
  imports: [entities],
  providers: [jobPolicy, NotificationDeliveriesService],
  exports: [NotificationDeliveriesService],
})
export class NotificationsAdminModule {}
