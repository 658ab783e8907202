import { Redis } from 'ioredis';
import { EventCategory } from '@app/flexport';
import {
  counterField,
  EventCounter,
  EventMetrics,
  IGNORED_TYPES_FIELD,
  MAX_IGNORED_TYPES,
  metricsKey,
  OTHER_TYPE,
  parseMetricsHash,
} from '@app/observability';
import type { EventRunReport } from '@app/processing';
import { testConfigService } from '../../support/processing.js';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

const ignored = (type: string, replay = false): EventRunReport => ({
  eventId: `e-${type}`,
  type,
  category: EventCategory.Unknown,
  name: null,
  outcome: 'ignored',
  attempt: 1,
  finalAttempt: false,
  replay,
  durationMs: 1,
  receivedAt: new Date().toISOString(),
});

describe('ignored events counted by type (Redis)', () => {
  const prefix = uniquePrefix('ignored-types');
  const redis = new Redis(TEST_REDIS_URL);
  const processes: EventMetrics[] = [];
  const metricsProcess = () => {
    const metrics = new EventMetrics(redis, testConfigService({ QUEUE_PREFIX: prefix }) as never);
    processes.push(metrics);
    return metrics;
  };
  const byType = async () => parseMetricsHash(await redis.hgetall(metricsKey(prefix))).counters.get(EventCounter.Ignored) ?? new Map();

  beforeAll(async () => {
    // flush() skips a connection that is not ready yet (the interval tries again later).
    await redis.ping();
  });

  afterAll(async () => {
    for (const metrics of processes) await metrics.beforeApplicationShutdown();
    await deletePrefix(prefix);
    redis.disconnect();
  });

  it('labels each type, a `|` in it included, and leaves replays out', async () => {
    const metrics = metricsProcess();
    for (const type of ['/shipment#created', '/shipment#created', 'weird|type', '/shipment#created']) metrics.onRun(ignored(type));
    metrics.onRun(ignored('/shipment#created', true));
    await metrics.flush();
    const counts = await byType();
    expect(counts.get('/shipment#created')).toBe(3);
    expect(counts.get('weird|type')).toBe(1);
  });

  it(`labels at most ${MAX_IGNORED_TYPES} types across processes and counts the rest as ${OTHER_TYPE}`, async () => {
    const first = metricsProcess();
    const second = metricsProcess();
    for (let i = 0; i < 80; i++) first.onRun(ignored(`/made_up#a${i}`));
    for (let i = 0; i < 80; i++) second.onRun(ignored(`/made_up#b${i}`));
    await Promise.all([first.flush(), second.flush()]);
    second.onRun(ignored('/shipment#created'));
    second.onRun(ignored('/made_up#never_seen'));
    await second.flush();

    const counts = await byType();
    const labels = [...counts.keys()].filter((label) => label !== OTHER_TYPE);
    expect(labels).toHaveLength(MAX_IGNORED_TYPES);
    expect(Number(await redis.hget(metricsKey(prefix), IGNORED_TYPES_FIELD))).toBe(MAX_IGNORED_TYPES);
    // Every event is counted once, labelled or not: 4 + 160 + 2 runs.
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(4 + 160 + 2);
    expect(counts.get('/shipment#created')).toBe(4);
    expect(counts.has('/made_up#never_seen')).toBe(false);
    // The first test labelled two types; of the 160 new ones the rest of the cap got labels, the others and never_seen did not.
    expect(counts.get(OTHER_TYPE)).toBe(160 - (MAX_IGNORED_TYPES - 2) + 1);
    expect(await redis.hexists(metricsKey(prefix), counterField(EventCounter.Ignored, OTHER_TYPE))).toBe(1);
  });
});
