import { ConfigService } from '@nestjs/config';
import { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { DataSource } from 'typeorm';
import { AllConfig, loadAppConfig } from '@app/config';
import { buildDataSourceOptions, migrateDatabase } from '@app/database';
import { EventCategory } from '@app/flexport';
import { NOTIFICATION_JOB_OPTIONS, NOTIFICATION_RELAY_OPTIONS, NotificationRelay, OutboxCommitSignal } from '@app/notifications';
import { EventCounter, EventMetrics, metricsKey, parseMetricsHash } from '@app/observability';
import {
  createRedis,
  enqueueOnce,
  EVENT_JOB_OPTIONS,
  eventJobId,
  JobName,
  QueueName,
  RedisClient,
  redisTarget,
  seenKey,
  WORKER_OPTIONS,
} from '@app/queue';
import { DEFAULT_SEEN_TTL_SECONDS } from '@app/config';
import { OAuthTokenProvider } from '@app/reconciliation';
import { startFakeFlexportApi } from '../support/fake-flexport-api.js';
import { sleep } from '../support/processes.js';
import { buildEvents } from '../support/signed-events.js';
import { exactlyOnceReport, expectedNotifications, notificationReport } from './support/checks.js';
import { alive, ReliabilityEnv, SECRET, Sender, statusCounts, waitUntil } from './support/harness.js';
import { NotificationSink } from './support/notification-sink.js';

const EVENTS = 2000;
const RATE_PER_SECOND = 100;
/** The service's default REDIS_COMMAND_TIMEOUT_MS: the intake's deadline for a job to be stored. */
const COMMAND_TIMEOUT_MS = 1000;
const quiet = { log: () => undefined, warn: () => undefined } as never;

/** Settles a promise into its error message, or null: a CROSSSLOT refusal shows up by name. */
const failure = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (error: Error) => error.message,
  );

const OAUTH_CLIENT = { clientId: 'cluster-client', clientSecret: 'cluster-client-secret' };

describe('on a Redis Cluster (3 masters, 3 replicas, AOF)', () => {
  let env: ReliabilityEnv;
  let sink: NotificationSink;

  beforeAll(async () => {
    env = await ReliabilityEnv.create('redis-cluster', { redisCluster: { masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2000 } });
    sink = await NotificationSink.start();
  });

  afterAll(async () => {
    await sink?.close();
    await env?.destroy();
  });

  it('runs every script and multi-key command of the service within one slot: a CROSSSLOT error fails this', async () => {
    const deployment = await env.deployment('slots');
    const prefix = deployment.queuePrefix;
    await migrateDatabase(deployment.databaseUrl, quiet);
    const app = loadAppConfig(
      {
        NODE_ENV: 'test',
        REDIS_CLUSTER_NODES: env.redisCluster!.seeds,
        QUEUE_PREFIX: prefix,
        DATABASE_URL: deployment.databaseUrl,
        NOTIFY_WEBHOOK_URLS: `${sink.url}?a,${sink.url}?b`,
      },
      quiet,
    );
    const config = new ConfigService<AllConfig, true>({ app });
    const producer = createRedis(redisTarget(app), 'producer');
    const consumer = createRedis(redisTarget(app), 'worker');
    const dataSource = await new DataSource(buildDataSourceOptions(deployment.databaseUrl, { poolSize: 2 })).initialize();
    const queue = (name: QueueName) => new Queue(name, { connection: producer, prefix, defaultJobOptions: EVENT_JOB_OPTIONS });
    const milestones = queue(QueueName.Milestones);
    const quarantine = queue(QueueName.Quarantine);
    const notifications = queue(QueueName.Notifications);
    const workerErrors: string[] = [];
    let worker: Worker | undefined;
    try {
      await waitUntil(() => producer.status === 'ready' && consumer.status === 'ready', 10_000, 50);

      // The intake's script: BullMQ's add and the event's `seen` marker, atomically.
      const data = { eventId: 'slot-1', n: 1 };
      const seen = (key: string) => ({ key, ttlSeconds: DEFAULT_SEEN_TTL_SECONDS });
      const add = (key: string) => enqueueOnce(milestones, JobName.Event, data, { jobId: eventJobId(data.eventId) }, seen(key));
      expect(await add(seenKey(prefix, 'slot-1'))).toBe('queued');
      expect(await add(seenKey(prefix, 'slot-1'))).toBe('duplicate');
      // The check has teeth: the same script with its marker outside the hash tag is refused.
      expect(await failure(add('elsewhere:seen:slot-1'))).toMatch(/CROSSSLOT/);

      // A quarantined body: BullMQ's add alone.
      expect(await failure(quarantine.add(JobName.Quarantined, { n: 1 }, { jobId: 'q-slot' }))).toBeNull();

      // The metrics hash: one pipeline of HINCRBY / HINCRBYFLOAT per flush.
      const metrics = new EventMetrics(producer, config);
      metrics.count(EventCounter.Received, 'milestone', 3);
      metrics.onRun({
        eventId: 'slot-1',
        type: 'shipment.milestone',
        category: EventCategory.Milestone,
        name: 'departed',
        outcome: 'processed',
        attempt: 1,
        finalAttempt: false,
        replay: false,
        durationMs: 12,
        receivedAt: new Date().toISOString(),
      });
      await metrics.beforeApplicationShutdown();
      const hash = parseMetricsHash(await producer.hgetall(metricsKey(prefix)));
      expect(hash.counters.get(EventCounter.Received)?.get('milestone')).toBe(3);
      expect(hash.counters.get(EventCounter.Processed)?.get('milestone')).toBe(1);

      // The notification relay: one job per URL for each outbox row, added in bulk.
      await dataSource.query(
        `INSERT INTO notification_outbox (shipment_id, milestone, event_id, occurred_at) VALUES ('SHP-SLOT', 'departed', 'slot-1', now())`,
      );
      const relay = new NotificationRelay(
        dataSource,
        notifications,
        config,
        new OutboxCommitSignal(dataSource),
        NOTIFICATION_JOB_OPTIONS,
        NOTIFICATION_RELAY_OPTIONS,
      );
      expect(await relay.drain()).toBe(1);
      expect(await notifications.getJobCounts('waiting')).toEqual({ waiting: 2 });

      // The worker's scripts (take, lock, fail and retry after a backoff, finish) on the worker's
      // connection, and the counts a /metrics scrape reads.
      let attempts = 0;
      worker = new Worker(
        QueueName.Milestones,
        async () => {
          if (++attempts === 1) throw new Error('transient');
          return 'done';
        },
        { connection: consumer, prefix, ...WORKER_OPTIONS },
      );
      worker.on('error', (error) => workerErrors.push(error.message));
      expect(await waitUntil(async () => (await milestones.getJobCounts('completed')).completed === 1, 20_000, 100)).toBe(true);
      expect(await milestones.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        completed: 1,
      });
      expect(attempts).toBe(2);
      expect(workerErrors).toEqual([]);

      // Reconciliation's OAuth token, shared by every process: the lock (SET NX PX), the token and
      // its lifetime read together (MULTI), and the token dropped only if unchanged (a script).
      const flexport = await startFakeFlexportApi({ oauthClients: [OAUTH_CLIENT] });
      try {
        const tokens = new OAuthTokenProvider({ apiUrl: flexport.origin, ...OAUTH_CLIENT, redis: producer, keyPrefix: prefix });
        const token = await tokens.getToken();
        expect(
          await new OAuthTokenProvider({ apiUrl: flexport.origin, ...OAUTH_CLIENT, redis: producer, keyPrefix: prefix }).getToken(),
        ).toBe(token);
        expect(await tokens.invalidate(token)).toBe(true);
        expect(flexport.tokenRequests).toBe(1);
      } finally {
        await flexport.close();
      }

      // Everything written above lives in the prefix's slot.
      const slot = await env.redisCluster!.keySlot(prefix);
      expect([...(await env.redisCluster!.keysBySlot(`${prefix}*`)).keys()]).toEqual([slot]);
    } finally {
      await worker?.close();
      for (const q of [milestones, quarantine, notifications]) await q.close();
      await dataSource.destroy();
      for (const client of [producer, consumer] as RedisClient[]) await client.quit().catch(() => client.disconnect());
    }
  });

  it("ends a worker's blocking connection that a retry in flight refills while BullMQ resets it", async () => {
    // BullMQ resets a blocking connection (a duplicate of the worker's cluster client) by disconnecting
    // it and awaiting `end`. During a failover a MOVED redirect still in flight can put a node back into
    // the client's pool in the meantime (ConnectionPool#findOrCreate), and ioredis then never ends it.
    const seeds = env.redisCluster!.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
    const app = loadAppConfig({ NODE_ENV: 'test', REDIS_CLUSTER_NODES: env.redisCluster!.seeds, QUEUE_PREFIX: '{fwr-end}' }, quiet);
    const worker = createRedis(redisTarget(app), 'worker') as Cluster;
    const connections = { service: worker.duplicate(), bare: new Cluster(seeds) };
    const outcome: Record<string, string> = {};
    try {
      for (const [name, client] of Object.entries(connections)) {
        client.on('error', () => undefined);
        expect(await waitUntil(() => client.status === 'ready', 10_000, 50)).toBe(true);
        const pool = (client as unknown as { connectionPool: { findOrCreate(node: { host: string; port: number }): unknown } })
          .connectionPool;
        const ended = new Promise<string>((resolve) => client.once('end', () => resolve('end')));
        client.disconnect();
        pool.findOrCreate(seeds[0]);
        outcome[name] = await Promise.race([ended, sleep(3000).then(() => client.status)]);
      }
      // The service's connections end; ioredis's own stays `disconnecting` (the check has teeth).
      expect(outcome).toEqual({ service: 'end', bare: 'disconnecting' });
    } finally {
      for (const client of [worker, ...Object.values(connections)]) {
        client.disconnect();
        for (const node of client.nodes()) node.disconnect();
      }
    }
  });

  it("answers 503 with Retry-After while the slot's master is away, and processes every acknowledged event exactly once after its replica takes over", async () => {
    const cluster = env.redisCluster!;
    const deployment = await env.deployment('failover');
    const notify = { NOTIFY_WEBHOOK_URLS: sink.url };
    const events = buildEvents({ count: EVENTS, secret: SECRET, tag: 'cfail', shipments: 150 });
    const ids = events.map((event) => event.eventId);
    const worker = await deployment.start('worker', notify);
    const api = await deployment.start('api', notify);
    const slot = await cluster.keySlot(deployment.queuePrefix);

    const sender = new Sender(() => [api.url], { ratePerSecond: RATE_PER_SECOND, timeoutMs: 10_000 });
    const sending = sender.send(events);
    // Killed mid-way, with the load running: the master that holds every key of the deployment.
    expect(await waitUntil(() => sender.outcomes.length >= EVENTS / 2, 60_000, 50)).toBe(true);
    const master = await cluster.masterOf(slot);
    expect(master).not.toBeNull();
    const acknowledgedBeforeKill = new Set(sender.acknowledged);
    const killedAt = Date.now();
    await cluster.node(master!).kill('SIGKILL');
    // The cluster fails the master over to its replica by itself; the test only watches.
    const promoted = await cluster.waitForNewMaster(slot, master!, 60_000);
    const promotedAt = Date.now();
    await sending;
    const firstPass = statusCounts(sender.outcomes);
    // Flexport delivers again what was not answered 200.
    await sender.redeliverUnacknowledged(events, 60_000);

    const refused = sender.outcomes.filter((outcome) => outcome.status !== 200);
    const slowest = Math.max(...sender.outcomes.map((outcome) => outcome.ms));
    const finalFrom = Date.now();
    await deployment.waitForFinal(ids, 120_000);
    const report = await exactlyOnceReport(deployment, events);
    const expected = expectedNotifications(events);
    await waitUntil(() => notificationReport(sink, expected).missing.length === 0, 60_000, 250);
    const notifications = notificationReport(sink, expected);
    const scrape = await (await fetch(`${api.url}/metrics`)).text();
    const ready = (await fetch(`${api.url}/health/ready`)).status;
    const window = (at: number) => ((at - killedAt) / 1000).toFixed(2);
    process.stdout.write(
      `redis-cluster: master :${master} killed after ${acknowledgedBeforeKill.size} acknowledged; replica :${promoted} serving the slot ` +
        `${window(promotedAt)} s later; ${refused.length} requests refused, ${JSON.stringify(statusCounts(refused))}, ` +
        `from ${window(Math.min(...refused.map((o) => o.at)))} s to ${window(Math.max(...refused.map((o) => o.at + o.ms)))} s after the kill; ` +
        `slowest answer ${slowest} ms; first pass ${JSON.stringify(firstPass)}; after redelivery ${sender.acknowledged.size}/${EVENTS} acknowledged; ` +
        `all final ${((Date.now() - finalFrom) / 1000).toFixed(1)} s after the load ended; ${JSON.stringify(report.byStatus)}; ` +
        `notifications ${JSON.stringify({ ...notifications, missing: notifications.missing.length })}\n`,
    );
    // Refusals only during the failover: none answered before the kill, none once the replica had settled in.
    const outsideFailover = refused.filter((outcome) => outcome.at + outcome.ms < killedAt || outcome.at > promotedAt + 5000);
    if (report.notFinal.length > 0 || outsideFailover.length > 0) env.markFailed();

    // While the slot had no master: 503 with Retry-After, never another status, never a hang.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((outcome) => outcome.status !== 503)).toEqual([]);
    expect(refused.filter((outcome) => !outcome.retryAfter)).toEqual([]);
    expect(slowest).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + 1000);
    expect(outsideFailover).toEqual([]);
    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);

    // Nothing acknowledged is lost, nothing is applied twice.
    expect(sender.acknowledged.size).toBe(EVENTS);
    expect([...acknowledgedBeforeKill].filter((id) => report.notFinal.includes(id))).toEqual([]);
    expect(report.notFinal).toEqual([]);
    expect(report.dead).toEqual([]);
    expect(report.missingMilestones).toEqual([]);
    expect(report.duplicateMilestoneRows).toBe(0);
    expect(report.strayMilestoneRows).toBe(0);
    expect(notifications.missing).toEqual([]);
    expect(notifications.unexpected).toEqual([]);
    expect(notifications.conflictingKeys).toEqual([]);

    // The API reads the cluster again: ready, and /metrics has every source.
    expect(ready).toBe(200);
    expect(scrape).toMatch(/flexport_metrics_source_up\{source="redis"\} 1/);
    // Every key the deployment wrote is in its slot, and no process met a CROSSSLOT refusal.
    expect([...(await cluster.keysBySlot(`${deployment.queuePrefix}*`)).keys()]).toEqual([slot]);
    expect(env.children.filter((child) => /CROSSSLOT/.test(child.log())).map((child) => child.logFile)).toEqual([]);
  });
});
