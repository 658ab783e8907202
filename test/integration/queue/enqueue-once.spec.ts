import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { batchWritesPerTurn, enqueueOnce, seenKey } from '@app/queue';
import { deletePrefix, TEST_REDIS_URL } from '../../support/redis.js';
import { uniquePrefix } from '../../support/service-process.js';

describe('enqueueOnce against Redis', () => {
  const prefix = uniquePrefix('enqueue-once');
  let queue: Queue;
  let redis: Redis;
  const TTL_SECONDS = 8 * 24 * 3600;
  const seen = (id: string) => ({ key: seenKey(prefix, id), ttlSeconds: TTL_SECONDS });

  beforeAll(() => {
    queue = new Queue('events', { connection: { url: TEST_REDIS_URL }, prefix, defaultJobOptions: { attempts: 3 } });
    redis = new Redis(TEST_REDIS_URL);
  });
  /** How many commands the queue's connection sends while `work` runs. */
  async function commandsSentDuring(work: () => Promise<unknown>): Promise<number> {
    const connection = (await queue.getBackend().client) as unknown as { sendCommand: (...args: unknown[]) => unknown };
    const hadOwn = Object.prototype.hasOwnProperty.call(connection, 'sendCommand');
    const send = connection.sendCommand;
    let sent = 0;
    connection.sendCommand = (...args: unknown[]) => {
      sent++;
      return send(...args);
    };
    try {
      await work();
    } finally {
      if (hadOwn) connection.sendCommand = send;
      else delete (connection as { sendCommand?: unknown }).sendCommand;
    }
    return sent;
  }

  afterAll(async () => {
    await queue.close();
    await deletePrefix(prefix);
    redis.disconnect();
  });

  it("stores the job with the queue's default options and marks the event seen", async () => {
    expect(await enqueueOnce(queue, 'event', { n: 1 }, { jobId: 'ev-a' }, seen('a'))).toBe('queued');
    const job = await queue.getJob('ev-a');
    expect(job?.data).toEqual({ n: 1 });
    expect(job?.opts.attempts).toBe(3);
    // The integer 1: Redis shares the object, so the marker costs its key and expiry only.
    expect(await redis.get(`${prefix}:seen:a`)).toBe('1');
    expect(await redis.object('ENCODING', `${prefix}:seen:a`)).toBe('int');
    expect(await redis.ttl(`${prefix}:seen:a`)).toBeGreaterThan(TTL_SECONDS - 10);
  });

  it('answers duplicate for the same id again and keeps the first job', async () => {
    expect(await enqueueOnce(queue, 'event', { n: 2 }, { jobId: 'ev-a' }, seen('a'))).toBe('duplicate');
    expect((await queue.getJob('ev-a'))?.data).toEqual({ n: 1 });
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it('sends one command per enqueue, new or duplicate: the add and the marker are one script', async () => {
    const sent = await commandsSentDuring(async () => {
      expect(await enqueueOnce(queue, 'event', { n: 6 }, { jobId: 'ev-e' }, seen('e'))).toBe('queued');
      expect(await enqueueOnce(queue, 'event', { n: 6 }, { jobId: 'ev-e' }, seen('e'))).toBe('duplicate');
    });
    expect(sent).toBe(2);
  });

  it('answers each of many concurrent deliveries of one event once as queued', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => enqueueOnce(queue, 'event', { n: 3 }, { jobId: 'ev-b' }, seen('b'))),
    );
    expect(outcomes.filter((outcome) => outcome === 'queued')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
  });

  it('sets no marker when Redis refuses the job, so a retry is queued, not called a duplicate', async () => {
    // A job counter that is not a number makes the job's script fail inside Redis before it writes anything.
    const counter = await redis.get(`${prefix}:events:id`);
    await redis.set(`${prefix}:events:id`, 'not a number');
    await expect(enqueueOnce(queue, 'event', { n: 4 }, { jobId: 'ev-c' }, seen('c'))).rejects.toThrow();
    expect(await redis.exists(`${prefix}:seen:c`)).toBe(0);
    await redis.set(`${prefix}:events:id`, counter ?? '0');
    expect(await enqueueOnce(queue, 'event', { n: 4 }, { jobId: 'ev-c' }, seen('c'))).toBe('queued');
  });

  it('answers duplicate and adds nothing when the marker outlived the job (completed and removed)', async () => {
    await redis.set(`${prefix}:seen:d`, 'earlier');
    expect(await enqueueOnce(queue, 'event', { n: 5 }, { jobId: 'ev-d' }, seen('d'))).toBe('duplicate');
    expect(await redis.exists(`${prefix}:events:ev-d`)).toBe(0);
    expect(await redis.get(`${prefix}:seen:d`)).toBe('earlier');
  });

  it("sets no marker when BullMQ's script refuses the job with an error code (a missing parent)", async () => {
    const orphan = { jobId: 'ev-g', parent: { id: 'missing', queue: `${prefix}:events` } } as unknown as { jobId: string };
    await expect(enqueueOnce(queue, 'event', { n: 8 }, orphan, seen('g'))).rejects.toThrow(/parent/i);
    expect(await redis.exists(`${prefix}:seen:g`)).toBe(0);
    expect(await redis.exists(`${prefix}:events:ev-g`)).toBe(0);
  });

  it('refuses a queue whose default options need another script (a delay) before sending anything', async () => {
    const delayed = new Queue('delayed', { connection: { url: TEST_REDIS_URL }, prefix, defaultJobOptions: { delay: 1000 } });
    try {
      await expect(enqueueOnce(delayed, 'event', { n: 7 }, { jobId: 'ev-f' }, seen('f'))).rejects.toThrow(TypeError);
      expect(await redis.exists(`${prefix}:seen:f`)).toBe(0);
      expect(await delayed.getDelayedCount()).toBe(0);
    } finally {
      await delayed.close();
    }
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
        Array.from({ length: 10 }, (_, i) => enqueueOnce(queue, 'event', { i }, { jobId: `ev-batch-${i}` }, seen(`batch-${i}`))),
      );
      expect(outcomes).toEqual(Array(10).fill('queued'));
    } finally {
      own._write = write;
      own._writev = writev;
    }
    expect(writes).toEqual({ single: 0, batched: 1 });
  });
});
