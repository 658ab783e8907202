import { getQueueToken } from '@nestjs/bullmq';
import { ConfigModule } from '@nestjs/config';
import { Test, TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { loadAppConfig } from '@app/config';
import { QueueName } from '@app/queue';
import { ReconcileRuns, ReconcileRunView, ReconcileSchedule, ReconciliationModule } from '@app/reconciliation';
import { WORKER_ROLE_MODULES } from '../../../apps/worker/src/worker-role.modules.js';
import { waitFor } from '../../support/api-stack.js';
import { TEST_REDIS_URL } from '../../support/redis.js';

export const FLEXPORT_TOKEN = 'reconcile-test-flexport-token';
/** Standard Webhooks' format: whsec_ + base64 of 32 bytes. */
export const NOTIFY_SECRET = `whsec_${Buffer.from('reconcile test notify secret, 32').toString('base64')}`;

const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };

export interface WorkerOptions {
  databaseUrl: string;
  prefix: string;
  /** FLEXPORT_API_URL; reconciliation is off without `credentials`. */
  apiUrl: string;
  credentials?: Record<string, string> | null;
  notifyUrls?: string[];
  env?: Record<string, string>;
}

/**
 * A worker as apps/worker builds it (every consumer, the reconciliation schedule and consumer),
 * with its own configuration, in this process; plus ReconcileRuns, as the admin API asks for runs.
 */
export async function startReconcilingWorker(options: WorkerOptions): Promise<TestingModule> {
  const credentials = options.credentials === undefined ? { FLEXPORT_API_TOKEN: FLEXPORT_TOKEN } : (options.credentials ?? {});
  const app = loadAppConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: options.prefix,
      WORKER_CONCURRENCY: '8',
      RUN_MIGRATIONS: 'false',
      LOG_LEVEL: process.env.TEST_LOGS ? 'info' : 'silent',
      FLEXPORT_API_URL: options.apiUrl,
      ...credentials,
      ...(options.notifyUrls ? { NOTIFY_WEBHOOK_URLS: options.notifyUrls.join(','), NOTIFY_SIGNING_SECRET: NOTIFY_SECRET } : {}),
      ...options.env,
    },
    silent as never,
  );
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app })] }),
      ...WORKER_ROLE_MODULES,
      // What the API adds to start admin runs.
      ReconciliationModule,
    ],
  })
    .setLogger(process.env.TEST_LOGS ? console : silent)
    .compile();
  moduleRef.enableShutdownHooks();
  await moduleRef.init();
  await moduleRef.get(ReconcileSchedule).ready;
  return moduleRef;
}

/** Waits until the run has finished and returns what the admin API would show of it. */
export async function finishedRun(worker: TestingModule, runId: string, timeoutMs = 30_000): Promise<ReconcileRunView> {
  const runs = worker.get(ReconcileRuns);
  return waitFor(
    async () => {
      const run = await runs.find(runId);
      return run && run.status !== 'running' ? run : undefined;
    },
    { timeoutMs, what: `reconcile run ${runId} to finish` },
  );
}

/** Waits until the run a worker's schedule starts at once has ended, so that it cannot take a test's injected faults. */
export async function firstScheduledRunDone(worker: TestingModule): Promise<void> {
  const queue = worker.get<Queue>(getQueueToken(QueueName.Reconcile));
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
      return counts.waiting + counts.active === 0 && counts.completed + counts.failed > 0 ? true : undefined;
    },
    { what: 'the first scheduled reconcile run to end' },
  );
}
