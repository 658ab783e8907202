import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { EventJobData, QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventPipeline, ProcessOutcome } from '@app/processing';
import { PurchaseOrdersService } from './purchase-orders.service.js';

@Processor(QueueName.PurchaseOrders, WORKER_OPTIONS)
export class PurchaseOrdersProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly purchaseOrders: PurchaseOrdersService,
  ) {
    super();
  }

  process(job: Job<EventJobData>): Promise<ProcessOutcome> {
    return this.pipeline.process(job, this.purchaseOrders);
  }
}
