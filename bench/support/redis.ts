import { Redis } from 'ioredis';

/** Deletes every key under `prefix:` (the bench's own QUEUE_PREFIXes only). */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0' && ++rounds < 100_000);
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** The pid of the Redis server behind `url`, when it runs on this machine (for its CPU time). */
export async function redisServerPid(url: string): Promise<number | null> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const info = await redis.info('server');
    const match = /process_id:(\d+)/.exec(info);
    return match ? Number(match[1]) : null;
  } finally {
    redis.disconnect();
  }
}

export async function redisConfig(url: string, parameter: string): Promise<string | null> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const reply = (await redis.config('GET', parameter)) as string[];
    return reply[1] ?? null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
