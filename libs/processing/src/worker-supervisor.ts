import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import type { TypedConfigService } from '@app/config';
import { EventCategory } from '@app/flexport';
import { batchWritesPerTurn, CATEGORY_QUEUES, EVENT_QUEUES, QueueName, SINGLE_JOB_QUEUES } from '@app/queue';
import { HandlerRegistry } from './handler-registry.js';

/**
 * Queues other than the event queues (quarantine, notifications) gain nothing from many jobs in hand:
 * they keep the concurrency they had when WORKER_CONCURRENCY defaulted to 16, so that raising it for
 * batching does not open, say, a hundred POSTs at once to a stakeholder.
 */
export const OTHER_QUEUES_MAX_CONCURRENCY = 16;

export class MissingConsumerError extends Error {
  override name = 'MissingConsumerError';
}

/**
 * The worker's queue consumers as a whole: at boot it fails unless every event category has a handler
 * and a consumer on its queue (and quarantine has one), and sets their concurrency from config: the
 * event queues get `workerConcurrency` each (the pipeline batches the jobs in hand), the others at
 * most OTHER_QUEUES_MAX_CONCURRENCY, and the writes of their Redis connections are batched per turn.
 * On shutdown it stops them taking jobs and waits for the jobs in hand, before the database closes.
 */
@Injectable()
export class WorkerSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerSupervisor.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: HandlerRegistry,
    @Inject(ConfigService) private readonly config: TypedConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const hosts = this.hosts();
    const consumed = new Set(hosts.map((host) => host.worker.name));
    const problems: string[] = [];
    for (const category of this.registry.missingCategories()) problems.push(`no EventHandler for category ${category}`);
    for (const [category, queue] of Object.entries(CATEGORY_QUEUES) as [EventCategory, QueueName][]) {
      if (!consumed.has(queue)) problems.push(`no consumer on queue ${queue} (category ${category})`);
    }
    for (const queue of [QueueName.Quarantine, QueueName.Reconcile]) {
      if (!consumed.has(queue)) problems.push(`no consumer on queue ${queue}`);
    }
    if (problems.length > 0) throw new MissingConsumerError(`worker cannot start: ${problems.join('; ')}`);

    const { workerConcurrency } = this.config.get('app', { infer: true });
    const otherConcurrency = Math.min(workerConcurrency, OTHER_QUEUES_MAX_CONCURRENCY);
    const eventQueues = new Set<string>(EVENT_QUEUES);
    for (const host of hosts) {
      const name = host.worker.name as QueueName;
      host.worker.concurrency = eventQueues.has(name) ? workerConcurrency : SINGLE_JOB_QUEUES.has(name) ? 1 : otherConcurrency;
      // A batch transaction completes many jobs in one turn: their BullMQ commands then share a write.
      void host.worker.getBackend().client.then(batchWritesPerTurn, () => undefined);
    }
    this.logger.log({
      msg: 'consuming queues',
      queues: [...consumed].sort(),
      concurrency: workerConcurrency,
      otherQueuesConcurrency: otherConcurrency,
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const hosts = this.hosts();
    this.logger.log({ msg: 'stopping consumers; finishing the jobs in hand', signal, workers: hosts.length });
    await Promise.all(hosts.map((host) => host.worker.close()));
  }

  private hosts(): WorkerHost[] {
    const hosts = new Set<WorkerHost>();
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.isDependencyTreeStatic() && wrapper.instance instanceof WorkerHost) hosts.add(wrapper.instance);
    }
    return [...hosts];
  }
}
