import { Processor } from '@nestjs/bullmq';
import { EventProcessor } from '@app/processing';
import { QueueName, WORKER_OPTIONS } from '@app/queue';

@Processor(QueueName.Bookings, WORKER_OPTIONS)
export class BookingsProcessor extends EventProcessor {}
