import { Redis } from 'ioredis';
import { deletePrefix as deleteKeysUnder } from '../../bench/support/redis.js';

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
