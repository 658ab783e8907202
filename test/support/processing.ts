import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test, TestingModule } from '@nestjs/testing';
import { Job, JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '@app/config';
import { EventPipeline, ProcessingModule } from '@app/processing';
import { EVENT_JOB_OPTIONS, EventJobData, eventJobId, JobName, QueueName } from '@app/queue';
import { TEST_REDIS_URL } from './redis.js';

@Module({})
class TestGlobals {}

/** Makes `providers` visible to every module, as TypeOrmModule and AppConfigModule do in the app. */
export function globalProviders(providers: Provider[]): DynamicModule {
  return {
    module: TestGlobals,
    global: true,
    providers,
    exports: providers.map((provider) => (typeof provider === 'function' ? provider : provider.provide)),
  };
}

/** Typed configuration for a test, from environment-style values (no process.env involved). */
export function testConfigService(env: Record<string, string> = {}): ConfigService {
  return new ConfigService({ app: loadAppConfig({ NODE_ENV: 'test', ...env }) });
}

export interface ProcessingHarness {
  module: TestingModule;
  pipeline: EventPipeline;
  close(): Promise<void>;
}

/**
 * The EventPipeline over a test database, with the given domain providers (e.g. MilestonesHandler) and
 * global values (e.g. a MILESTONE_LISTENER). No queue consumer is started.
 */
export async function createProcessingHarness(
  dataSource: DataSource,
  { providers = [], globals = [] }: { providers?: Provider[]; globals?: Provider[] } = {},
): Promise<ProcessingHarness> {
  const module = await Test.createTestingModule({
    imports: [
      globalProviders([
        { provide: DataSource, useValue: dataSource },
        { provide: ConfigService, useValue: testConfigService() },
        ...globals,
      ]),
      ProcessingModule,
    ],
    providers,
  }).compile();
  module.useLogger(process.env.TEST_LOGS ? ['log', 'warn', 'error'] : false);
  await module.init();
  return { module, pipeline: module.get(EventPipeline), close: () => module.close() };
}

/** A real queue under its own prefix, to make real BullMQ jobs from. */
export function testQueue(prefix: string, name: QueueName = QueueName.Milestones): Queue {
  return new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix, defaultJobOptions: EVENT_JOB_OPTIONS });
}

/** Adds the event as the intake does and returns the stored job (attemptsMade 0). */
export async function addEventJob(queue: Queue, data: EventJobData, options: JobsOptions = {}): Promise<Job<EventJobData>> {
  return queue.add(JobName.Event, data, { jobId: eventJobId(data.eventId), ...options });
}
