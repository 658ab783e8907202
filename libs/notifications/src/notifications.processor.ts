import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { JobName, QueueName, WORKER_OPTIONS } from '@app/queue';
import { InvalidNotifyJobError, parseNotifyJobData } from './notification.js';
import { DeliveryNotFoundError, DeliveryOutcome, NotifierService } from './notifier.service.js';

/** One job is one notification to one URL, so a failing URL retries alone and never holds up another. */
@Processor(QueueName.Notifications, WORKER_OPTIONS)
export class NotificationsProcessor extends WorkerHost {
  constructor(private readonly notifier: NotifierService) {
    super();
  }

  async process(job: Job, token?: string): Promise<DeliveryOutcome> {
    if (job.name !== JobName.Notify) throw new UnrecoverableError(`unexpected job ${job.name} on ${QueueName.Notifications}`);
    let outcome: DeliveryOutcome;
    try {
      const data = parseNotifyJobData(job.data);
      const attempt = job.attemptsMade + 1;
      outcome = await this.notifier.deliver(data, {
        leaseToken: job.id ?? data.deliveryKey,
        finalAttempt: attempt >= (job.opts.attempts ?? 1),
      });
    } catch (error) {
      if (error instanceof InvalidNotifyJobError || error instanceof DeliveryNotFoundError) {
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
    if (outcome.kind === 'busy') {
      // Another job is sending this notification: look again when its lease ends, without using an attempt.
      await job.moveToDelayed(outcome.retryAt, token);
      throw new DelayedError();
    }
    return outcome;
  }
}
