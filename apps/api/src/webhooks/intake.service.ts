import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import type { AllConfig } from '@app/config';
import { classifyEnvelope, deriveEventId, parseEnvelope } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';
import {
  CATEGORY_QUEUES,
  enqueueOnce,
  EventJobData,
  eventJobId,
  JobName,
  QuarantineJobData,
  QueueName,
  REDIS,
  type RedisClient,
  SEEN_EVENT_TTL_SECONDS,
} from '@app/queue';
import { withinMs } from '../queue-registry.js';

export type IntakeResult = { status: 'queued' | 'duplicate'; eventId: string } | { status: 'quarantined' };

/** Redis could not confirm the job: the caller answers 503 so the sender retries. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);
  private readonly queues: ReadonlyMap<QueueName, Queue>;
  private readonly prefix: string;
  private readonly deadlineMs: number;

  constructor(
    config: ConfigService<AllConfig, true>,
    @Inject(REDIS) private readonly redis: RedisClient,
    @InjectQueue(QueueName.Milestones) milestones: Queue,
    @InjectQueue(QueueName.Transit) transit: Queue,
    @InjectQueue(QueueName.Bookings) bookings: Queue,
    @InjectQueue(QueueName.PurchaseOrders) purchaseOrders: Queue,
    @InjectQueue(QueueName.Invoices) invoices: Queue,
    @InjectQueue(QueueName.Documents) documents: Queue,
    @InjectQueue(QueueName.Containers) containers: Queue,
    @InjectQueue(QueueName.UnknownEvents) unknownEvents: Queue,
    @InjectQueue(QueueName.Quarantine) quarantine: Queue,
    private readonly metrics: EventMetrics,
  ) {
    const app = config.get('app', { infer: true });
    this.prefix = app.queuePrefix;
    this.deadlineMs = app.redisCommandTimeoutMs;
    this.queues = new Map(
      [milestones, transit, bookings, purchaseOrders, invoices, documents, containers, unknownEvents, quarantine].map((queue) => [
        queue.name as QueueName,
        queue,
      ]),
    );
  }

  /** Answers only once Redis has stored the job; throws QueueUnavailableError otherwise. */
  async accept(raw: Buffer, contentType: string | null, receivedAt = new Date().toISOString()): Promise<IntakeResult> {
    if (this.redis.status !== 'ready') throw new QueueUnavailableError(`redis is ${this.redis.status}`);
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) {
      await this.quarantine(raw, contentType, parsed.reason, receivedAt);
      this.metrics.count(EventCounter.Quarantined, 'body');
      return { status: 'quarantined' };
    }
    const eventId = deriveEventId(parsed.envelope, raw);
    const { type, category, name } = classifyEnvelope(parsed.envelope, eventId);
    const data: EventJobData = { eventId, type, category, name, receivedAt, envelope: parsed.envelope };
    const queue = this.queue(CATEGORY_QUEUES[category]);
    const seen = { key: this.seenKey(eventId), value: receivedAt, ttlSeconds: SEEN_EVENT_TTL_SECONDS };
    const status = await this.stored(enqueueOnce(queue, JobName.Event, data, { jobId: eventJobId(eventId) }, seen));
    this.metrics.count(EventCounter.Received, category);
    if (status === 'duplicate') this.metrics.count(EventCounter.Duplicate, category);
    return { eventId, status };
  }

  private async quarantine(raw: Buffer, contentType: string | null, reason: string, receivedAt: string): Promise<void> {
    const bodySha256 = createHash('sha256').update(raw).digest('hex');
    const data: QuarantineJobData = { receivedAt, reason, contentType, bodySha256, bodyBase64: raw.toString('base64') };
    await this.stored(this.queue(QueueName.Quarantine).add(JobName.Quarantined, data, { jobId: `q-${bodySha256}` }));
    this.logger.warn({ msg: 'signed webhook quarantined', reason, bodySha256, bytes: raw.length });
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`queue ${name} is not registered`);
    return queue;
  }

  private seenKey(eventId: string): string {
    return `${this.prefix}:seen:${eventId}`;
  }

  /**
   * Every command of the producer connection has a deadline (REDIS_COMMAND_TIMEOUT_MS) and fails at
   * once while Redis is away. On a cluster, the client also retries a command while it looks for a
   * slot's new master, before the command's own timer starts: the deadline here bounds the whole.
   * A job that Redis stores after the 503 is found by the sender's retry (`duplicate`).
   */
  private async stored<T>(work: Promise<T>): Promise<T> {
    try {
      return await withinMs(this.deadlineMs, work);
    } catch (error) {
      // A bug of ours is not an outage: it must not become a 503 that Flexport retries forever.
      if (error instanceof RangeError || error instanceof TypeError || error instanceof SyntaxError) throw error;
      throw new QueueUnavailableError(error instanceof Error ? error.message : String(error));
    }
  }
}
