import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { batchWritesPerTurn, enqueueOnce, SEEN_EVENT_TTL_SECONDS } from '@app/queue';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

describe('enqueueOnce against Redis', () => {
  const prefix = uniquePrefix('enqueue-once');
  let queue: Queue;
  let redis: Redis;
  const seen = (id: string) => ({ key: `${prefix}:seen:${id}`, value: '2026-11-28T00:00:00.000Z', ttlSeconds: SEEN_EVENT_TTL_SECONDS });

  beforeAll(() => {
    queue = new Queue('events', { connection: { url: TEST_REDIS_URL }, prefix, defaultJobOptions: { attempts: 3 } });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await queue.close();
    await deletePrefix(prefix);
    redis.disconnect();
  });

  it("stores the job with the queue's default options and marks the event seen, with no second round trip", async () => {
    const fallback = jest.spyOn(redis, 'set');
    expect(await enqueueOnce(queue, 'event', { n: 1 }, { jobId: 'ev-a' }, seen('a'), redis)).toBe('queued');
    expect(fallback).not.toHaveBeenCalled();
    fallback.mockRestore();
    const job = await queue.getJob('ev-a');
    expect(job?.data).toEqual({ n: 1 });
    expect(job?.opts.attempts).toBe(3);
    expect(await redis.get(`${prefix}:seen:a`)).toBe('2026-11-28T00:00:00.000Z');
    expect(await redis.ttl(`${prefix}:seen:a`)).toBeGreaterThan(SEEN_EVENT_TTL_SECONDS - 10);
  });

  it('answers duplicate for the same id again and keeps the first job, with no second round trip', async () => {
    const fallback = jest.spyOn(redis, 'set');
    expect(await enqueueOnce(queue, 'event', { n: 2 }, { jobId: 'ev-a' }, seen('a'), redis)).toBe('duplicate');
    expect(fallback).not.toHaveBeenCalled();
    fallback.mockRestore();
    expect((await queue.getJob('ev-a'))?.data).toEqual({ n: 1 });
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it('answers each of many concurrent deliveries of one event once as queued', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => enqueueOnce(queue, 'event', { n: 3 }, { jobId: 'ev-b' }, seen('b'), redis)),
    );
    expect(outcomes.filter((outcome) => outcome === 'queued')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
  });

  it('sets no marker when Redis refuses the job, so a retry is queued, not called a duplicate', async () => {
    // A job counter that is not a number makes the job's script fail inside Redis before it writes anything.
    const counter = await redis.get(`${prefix}:events:id`);
    await redis.set(`${prefix}:events:id`, 'not a number');
    await expect(enqueueOnce(queue, 'event', { n: 4 }, { jobId: 'ev-c' }, seen('c'), redis)).rejects.toThrow();
    expect(await redis.exists(`${prefix}:seen:c`)).toBe(0);
    await redis.set(`${prefix}:events:id`, counter ?? '0');
    expect(await enqueueOnce(queue, 'event', { n: 4 }, { jobId: 'ev-c' }, seen('c'), redis)).toBe('queued');
  });

  it('still tells first from repeated delivery when the job was consumed before the marker was set', async () => {
    // The job hash is gone (completed and removed) but the marker is not: the pipeline cannot tell, the fallback can.
    await redis.set(`${prefix}:seen:d`, 'earlier');
    const outcome = await enqueueOnce(queue, 'event', { n: 5 }, { jobId: 'ev-d' }, seen('d'), redis);
    expect(outcome).toBe('duplicate');
  });

  it('with batched writes, sends the commands of the enqueues started in one turn of the event loop in one socket write', async () => {
    const client = await queue.getBackend().client;
    batchWritesPerTurn(client);
    const stream = (client as unknown as { stream: import('node:net').Socket }).stream;
    const writes = { single: 0, batched: 0 };
    const own = stream as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    const [write, writev] = [own._write, own._writev];
    own._write = function (...args) {
      writes.single++;
      return write.apply(this, args);
    };
    own._writev = function (...args) {
      writes.batched++;
      return writev.apply(this, args);
    };
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => enqueueOnce(queue, 'event', { i }, { jobId: `ev-batch-${i}` }, seen(`batch-${i}`), redis)),
      );
      expect(outcomes).toEqual(Array(10).fill('queued'));
    } finally {
      own._write = write;
      own._writev = writev;
    }
    expect(writes).toEqual({ single: 0, batched: 1 });
  });
});
