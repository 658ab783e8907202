import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function keysUnder(pattern: string, url = TEST_REDIS_URL): Promise<string[]> {
  const redis = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

/** Removes every key a test run wrote under its QUEUE_PREFIX. */
export async function deletePrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  await deleteKeysUnder(url, prefix);
}

/** Deletes every key under `prefix:` (the bench's own QUEUE_PREFIXes only). */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
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
