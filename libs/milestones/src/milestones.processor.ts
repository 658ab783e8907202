import { Processor } from '@nestjs/bullmq';
import { EventProcessor } from '@app/processing';
import { QueueName, WORKER_OPTIONS } from '@app/queue';

@Processor(QueueName.Milestones, WORKER_OPTIONS)
export class MilestonesProcessor extends EventProcessor {}

@Processor(QueueName.Transit, WORKER_OPTIONS)
export class TransitProcessor extends EventProcessor {}

@Processor(QueueName.Exceptions, WORKER_OPTIONS)
export class ExceptionsProcessor extends EventProcessor {}
