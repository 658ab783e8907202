import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from '@app/queue';

/** The producer-side BullMQ queues of the API process (registered by QueueModule), by name. */
@Injectable()
export class QueueRegistry {
  private queues?: ReadonlyMap<QueueName, Queue>;

  constructor(private readonly moduleRef: ModuleRef) {}

  get(name: QueueName): Queue {
    const queue = this.all().get(name);
    if (!queue) throw new Error(`queue ${name} is not registered`);
    return queue;
  }

  /** Resolved on first use: in a constructor the queue providers may not exist yet. */
  all(): ReadonlyMap<QueueName, Queue> {
    this.queues ??= new Map(ALL_QUEUES.map((name) => [name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })]));
    return this.queues;
  }
}
