import { Processor } from '@nestjs/bullmq';
import { EventProcessor } from '@app/processing';
import { QueueName, WORKER_OPTIONS } from '@app/queue';

@Processor(QueueName.Containers, WORKER_OPTIONS)
export class ContainersProcessor extends EventProcessor {}
