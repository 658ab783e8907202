import { getQueueToken } from '@nestjs/bullmq';
import { ConfigModule } from '@nestjs/config';
import { Test, TestingModule } from '@nestjs/testing';
import type { DefaultJobOptions, Queue } from 'bullmq';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadAppConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { classifyEnvelope, Envelope } from '@app/flexport';
import { MilestonesModule, MilestonesProcessor } from '@app/milestones';
import {
  NOTIFICATION_JOB_OPTIONS,
  NOTIFICATION_JOB_POLICY,
  NOTIFICATION_RELAY_OPTIONS,
  NOTIFICATION_RELAY_POLICY,
  NotificationsModule,
  NotificationsProcessor,
  RelayOptions,
} from '@app/notifications';
import { ObservabilityModule } from '@app/observability';
import { ProcessingModule, UnknownEventsProcessor } from '@app/processing';
import { CATEGORY_QUEUES, eventJobId, EventJobData, JobName, QueueModule } from '@app/queue';
import { TEST_REDIS_URL } from '../../support/redis.js';

export const SIGNING_SECRET = 'whsec_notify_test';

/** Small delays for tests; the production policy (attempts, retention) is kept otherwise. */
export function fastRetries(attempts: number, delay = 50): DefaultJobOptions {
  return { ...NOTIFICATION_JOB_OPTIONS, attempts, backoff: { type: 'exponential', delay } };
}

const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };

export interface WorkerOptions {
  databaseUrl: string;
  prefix: string;
  urls: string[];
  jobOptions?: DefaultJobOptions;
  relay?: Partial<RelayOptions>;
  concurrency?: number;
}

/**
 * A worker context like apps/worker's, limited to what notifications need: the real pipeline,
 * MilestonesHandler and processors, the notifications module, real BullMQ on a unique prefix.
 */
export async function startWorker(options: WorkerOptions): Promise<TestingModule> {
  const app = loadAppConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: options.prefix,
      NOTIFY_WEBHOOK_URLS: options.urls.join(','),
      NOTIFY_SIGNING_SECRET: SIGNING_SECRET,
      NOTIFY_TIMEOUT_MS: 1000,
      RUN_MIGRATIONS: 'false',
    },
    silent as never,
  );
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app })] }),
      QueueModule.forRole('worker'),
      ObservabilityModule.forRole('worker'),
      DatabaseModule,
      ProcessingModule,
      MilestonesModule,
      NotificationsModule,
    ],
    providers: [UnknownEventsProcessor],
  })
    .overrideProvider(NOTIFICATION_JOB_POLICY)
    .useValue(options.jobOptions ?? fastRetries(5))
    .overrideProvider(NOTIFICATION_RELAY_POLICY)
    .useValue({ ...NOTIFICATION_RELAY_OPTIONS, sweepIntervalMs: 200, ...options.relay })
    .setLogger(silent)
    .compile();
  await moduleRef.init();
  const concurrency = options.concurrency ?? 4;
  moduleRef.get(MilestonesProcessor).worker.concurrency = concurrency;
  moduleRef.get(NotificationsProcessor).worker.concurrency = concurrency;
  return moduleRef;
}

let copy = 0;

/**
 * Queues events as the intake does, onto their category's queue. Each listed occurrence is its own
 * job (a redelivery the intake no longer remembers, a replay): the pipeline must make them one.
 */
export async function queueEvents(worker: TestingModule, envelopes: readonly Envelope[]): Promise<void> {
  for (const envelope of envelopes) {
    const eventId = String(envelope.id);
    const { type, category, name } = classifyEnvelope(envelope, eventId);
    const data: EventJobData = {
      eventId,
      type,
      category,
      name: name as EventJobData['name'],
      receivedAt: new Date().toISOString(),
      envelope,
    };
    const queue = worker.get<Queue>(getQueueToken(CATEGORY_QUEUES[category]));
    await queue.add(JobName.Event, data, { jobId: `${eventJobId(eventId)}-copy-${++copy}` });
  }
}

export function milestoneEvent(
  id: string,
  shipmentId: string,
  milestone: string,
  occurredAt: string,
  location: { name: string; country: string } | null = null,
): Envelope {
  return {
    id,
    type: 'shipment.milestone',
    created_at: occurredAt,
    data: { shipment_id: shipmentId, milestone, occurred_at: occurredAt, ...(location ? { location } : {}) },
  };
}

/** A Flexport v2 shipment-leg event (as in test/fixtures/flexport-v2), for one leg of a shipment. */
export function v2LegEvent(id: number, type: string, shipmentId: number, legId: number, occurredAt: string, port: string): Envelope {
  return {
    _object: '/event',
    id,
    version: 2,
    created_at: occurredAt,
    occurred_at: occurredAt,
    type,
    data: {
      _object: '/shipment_event_data',
      resource: { _object: '/shipment_leg', id: legId, shipment: { _object: '/api/refs/object', id: shipmentId, ref_type: '/shipment' } },
      shipment: { _object: '/shipment', id: shipmentId, name: 'Lamps spring restock' },
      location: {
        _object: '/shipment_node',
        place: { _object: '/place', name: port, address: { _object: '/address', country_code: 'CN' } },
      },
      containers: [],
    },
  };
}

export interface SinkRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** What the sink answered; null when it hung up or never answered. */
  status: number | null;
  at: number;
}

/** How the sink answers the n-th request (1-based) to a path: a status, `hang` (never answer) or `reset`. */
export type SinkBehaviour = (path: string, n: number) => number | 'hang' | 'reset';

export interface Sink {
  url(path: string): string;
  requests: SinkRequest[];
  accepted(path?: string): SinkRequest[];
  behaviour: SinkBehaviour;
  close(): Promise<void>;
}

/** An HTTP receiver on 127.0.0.1 that records every request. */
export async function startSink(behaviour: SinkBehaviour = () => 200): Promise<Sink> {
  const counts = new Map<string, number>();
  const sink: Sink = {
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests: [],
    accepted: (path) => sink.requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300 && (!path || r.path === path)),
    behaviour,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const answer = sink.behaviour(path, n);
      const record: SinkRequest = { path, headers: request.headers, body: Buffer.concat(chunks), status: null, at: Date.now() };
      sink.requests.push(record);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        request.socket.destroy();
        return;
      }
      record.status = answer;
      response.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return sink;
}

export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
