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

/** Bounds a Redis round trip: the producer connection fails fast, this also bounds a slow one. */
export async function withinMs<T>(ms: number, work: Promise<T>, what = 'redis'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
