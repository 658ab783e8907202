import { cpus, release, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { queryOnce } from '../../test/support/scratch-database.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
}

export async function describeMachine(redisUrl: string, adminUrl: string): Promise<Machine> {
  const cpuList = cpus();
  let postgres = 'unknown';
  try {
    const [row] = await queryOnce<{ server_version: string }>(adminUrl, 'SHOW server_version');
    const [sync] = await queryOnce<{ synchronous_commit: string }>(adminUrl, 'SHOW synchronous_commit');
    const [fsync] = await queryOnce<{ fsync: string }>(adminUrl, 'SHOW fsync');
    postgres = `${row.server_version} (fsync ${fsync.fsync}, synchronous_commit ${sync.synchronous_commit})`;
  } catch {
    // described as unknown
  }
  let redis = 'unknown';
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? '?';
    const [, aof] = (await client.config('GET', 'appendonly')) as string[];
    const [, fsync] = (await client.config('GET', 'appendfsync')) as string[];
    redis = `${version} (appendonly ${aof}${aof === 'yes' ? `, appendfsync ${fsync}` : ''})`;
  } catch {
    // described as unknown
  } finally {
    client.disconnect();
  }
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres,
    redis,
  };
}
