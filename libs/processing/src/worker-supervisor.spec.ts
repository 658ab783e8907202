import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { DiscoveryService } from '@nestjs/core';
import { EventCategory } from '@app/flexport';
import { ALL_QUEUES, QueueName } from '@app/queue';
import type { HandlerRegistry } from './handler-registry.js';
import { OTHER_QUEUES_MAX_CONCURRENCY, WorkerSupervisor } from './worker-supervisor.js';

class FakeHost extends WorkerHost {
  constructor(name: string) {
    super();
    const client = Promise.resolve({ sendCommand: () => undefined });
    Object.assign(this, { _worker: { name, concurrency: 1, getBackend: () => ({ client }) } });
  }

  async process(): Promise<void> {}
}

function supervise(workerConcurrency: number): Map<string, number> {
  const hosts = ALL_QUEUES.map((name) => new FakeHost(name));
  const discovery = { getProviders: () => hosts.map((instance) => ({ instance, isDependencyTreeStatic: () => true })) };
  const registry = { missingCategories: (): EventCategory[] => [] };
  const config = new ConfigService({ app: { workerConcurrency } });
  new WorkerSupervisor(
    discovery as unknown as DiscoveryService,
    registry as unknown as HandlerRegistry,
    config as never,
  ).onApplicationBootstrap();
  return new Map(hosts.map((host) => [host.worker.name, host.worker.concurrency]));
}

describe('WorkerSupervisor concurrency', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('gives each event queue WORKER_CONCURRENCY, and the other queues no more than they had before batching', () => {
    const concurrency = supervise(128);
    expect(concurrency.get(QueueName.Milestones)).toBe(128);
    expect(concurrency.get(QueueName.UnknownEvents)).toBe(128);
    expect(concurrency.get(QueueName.Notifications)).toBe(OTHER_QUEUES_MAX_CONCURRENCY);
    expect(concurrency.get(QueueName.Quarantine)).toBe(OTHER_QUEUES_MAX_CONCURRENCY);
    expect(concurrency.get(QueueName.Reconcile)).toBe(1);
  });

  it('a low WORKER_CONCURRENCY applies to every queue but those that take one job at a time', () => {
    const concurrency = supervise(4);
    expect(concurrency.get(QueueName.Reconcile)).toBe(1);
    concurrency.delete(QueueName.Reconcile);
    expect(new Set(concurrency.values())).toEqual(new Set([4]));
  });
});
