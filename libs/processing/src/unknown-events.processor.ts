import { Processor } from '@nestjs/bullmq';
import { QueueName, WORKER_OPTIONS } from '@app/queue';
import { EventProcessor } from './event.processor.js';

/** Events of unknown types: kept in the event log as `ignored`, never rejected, replayable once their type is supported. */
@Processor(QueueName.UnknownEvents, WORKER_OPTIONS)
export class UnknownEventsProcessor extends EventProcessor {}
