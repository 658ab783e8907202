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
  EnqueueOutcome,
  enqueueOnce,
  EventJobData,
  eventJobId,
  EventSource,
  JobName,
  QuarantineJobData,
  QueueName,
  REDIS,
  type RedisClient,
  seenKey,
  withinMs,
} from '@app/queue';
import type { ListedEvent } from './listed-event.js';
import { annotateSpan, isTracing } from '@app/tracing';

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
  private readonly seenTtlSeconds: number;
  /** Only on a cluster (see `stored`); a single Redis's command timeout bounds the wait already. */
  private readonly deadlineMs: number | null;

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
    @InjectQueue(QueueName.Exceptions) exceptions: Queue,
    @InjectQueue(QueueName.UnknownEvents) unknownEvents: Queue,
    @InjectQueue(QueueName.Quarantine) quarantine: Queue,
    private readonly metrics: EventMetrics,
  ) {
    const app = config.get('app', { infer: true });
    this.prefix = app.queuePrefix;
    this.seenTtlSeconds = app.seenTtlSeconds;
    this.deadlineMs = app.redisCluster ? app.redisCommandTimeoutMs : null;
    this.queues = new Map(
      [milestones, transit, bookings, purchaseOrders, invoices, documents, containers, exceptions, unknownEvents, quarantine].map(
        (queue) => [queue.name as QueueName, queue],
      ),
    );
  }

  /** Answers only once Redis has stored the job; throws QueueUnavailableError otherwise. */
  async accept(raw: Buffer, contentType: string | null, receivedAt = new Date().toISOString()): Promise<IntakeResult> {
    if (this.redis.status !== 'ready') throw this.unavailable(`redis is ${this.redis.status}`);
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) {
      await this.quarantine(raw, contentType, parsed.reason, receivedAt);
      this.metrics.count(EventCounter.Quarantined, 'body');
      return { status: 'quarantined' };
    }
    const eventId = deriveEventId(parsed.envelope, raw);
    const { type, category, name } = classifyEnvelope(parsed.envelope, eventId);
    const data: EventJobData = { eventId, type, category, name, receivedAt, envelope: parsed.envelope };
    const status = await this.enqueue(data, true);
    this.metrics.count(EventCounter.Received, category);
    if (isTracing()) annotateSpan({ 'flexport.event.id': eventId, 'flexport.event.category': category, 'flexport.intake.outcome': status });
    if (status === 'duplicate') this.metrics.count(EventCounter.Duplicate, category);
    return { eventId, status };
  }

  /**
   * An event Flexport's Events API listed (read by readListedEvent), queued exactly as a webhook
   * would be, with its source in the job: `duplicate` when the seen marker says intake already has
   * it. A listed value that is not an event is quarantined like a body. Not counted as a webhook.
   */
  async acceptListed(listed: ListedEvent, source: EventSource, receivedAt = new Date().toISOString()): Promise<IntakeResult> {
    if (this.redis.status !== 'ready') throw new QueueUnavailableError(`redis is ${this.redis.status}`);
    if (!listed.ok) {
      await this.quarantine(listed.body, 'application/json', listed.reason, receivedAt, `listed event quarantined (${source})`, false);
      return { status: 'quarantined' };
    }
    const { eventId, envelope } = listed;
    const { type, category, name } = classifyEnvelope(envelope, eventId);
    const data: EventJobData = { eventId, type, category, name, receivedAt, envelope, source };
    return { eventId, status: await this.enqueue(data) };
  }

  /**
   * The job and its seen marker, in one script; not async, so the webhook path awaits it once.
   * `webhook`: a refusal is the intake's 503, counted (flexport_webhooks_unavailable_total).
   */
  private enqueue(data: EventJobData, webhook = false): Promise<EnqueueOutcome> {
    const queue = this.queue(CATEGORY_QUEUES[data.category]);
    const seen = { key: seenKey(this.prefix, data.eventId), ttlSeconds: this.seenTtlSeconds };
    return this.stored(enqueueOnce(queue, JobName.Event, data, { jobId: eventJobId(data.eventId) }, seen), webhook);
  }

  private async quarantine(
    raw: Buffer,
    contentType: string | null,
    reason: string,
    receivedAt: string,
    msg = 'signed webhook quarantined',
    webhook = true,
  ): Promise<void> {
    const bodySha256 = createHash('sha256').update(raw).digest('hex');
    const data: QuarantineJobData = { receivedAt, reason, contentType, bodySha256, bodyBase64: raw.toString('base64') };
    await this.stored(this.queue(QueueName.Quarantine).add(JobName.Quarantined, data, { jobId: `q-${bodySha256}` }), webhook);
    this.logger.warn({ msg, reason, bodySha256, bytes: raw.length });
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`queue ${name} is not registered`);
    return queue;
  }

  /**
   * Every command of the producer connection has a deadline (REDIS_COMMAND_TIMEOUT_MS) and fails at
   * once while Redis is away. On a cluster, the client also retries a command while it looks for a
   * slot's new master, before the command's own timer starts: the deadline here bounds the whole.
   * A job that Redis stores after the 503 is found by the sender's retry (`duplicate`).
   */
  private async stored<T>(work: Promise<T>, webhook: boolean): Promise<T> {
    try {
      return await (this.deadlineMs === null ? work : withinMs(this.deadlineMs, work));
    } catch (error) {
      // A bug of ours is not an outage: it must not become a 503 that Flexport retries forever.
      if (error instanceof RangeError || error instanceof TypeError || error instanceof SyntaxError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw webhook ? this.unavailable(reason) : new QueueUnavailableError(reason);
    }
  }

  /** A webhook answered 503, counted in the Redis hash: the count waits in memory until Redis is back. */
  private unavailable(reason: string): QueueUnavailableError {
    this.metrics.count(EventCounter.Unavailable, 'queue');
    return new QueueUnavailableError(reason);
  }
}
