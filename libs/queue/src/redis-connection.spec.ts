import { Cluster } from 'ioredis';
import { clusterOptions, createRedis, RedisClient } from './redis-connection.js';

/** Nothing listens here: every connection attempt is refused at once. */
const nowhere = { nodes: [{ host: '127.0.0.1', port: 1 }], tls: false };

describe('Redis connections on a cluster', () => {
  const clients: RedisClient[] = [];
  const cluster = (role: 'producer' | 'worker') => {
    const client = createRedis({ url: 'redis://unused', cluster: nowhere, commandTimeoutMs: 1000 }, role);
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  // ioredis leaves a connect timer or two (at most 2 s) after disconnect: nothing to wait for.
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('builds a cluster client when the configuration names a cluster', () => {
    expect(cluster('producer')).toBeInstanceOf(Cluster);
  });

  it("refuses a producer's command at once while the cluster cannot be reached, so the intake answers 503 without waiting", async () => {
    const started = Date.now();
    await expect(cluster('producer').get('{flexport}:seen:x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("keeps a worker's command until the cluster answers, as BullMQ's consumers expect", async () => {
    let settled = false;
    void cluster('worker')
      .get('{flexport}:seen:x')
      .finally(() => (settled = true))
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
  });

  it("gives every node connection the seeds' credentials and TLS, and the producer's deadline", () => {
    const options = clusterOptions('producer', 750, { ...nowhere, username: 'app', password: 's3cret', tls: true });
    expect(options.redisOptions).toMatchObject({
      username: 'app',
      password: 's3cret',
      tls: {},
      commandTimeout: 750,
      maxRetriesPerRequest: 1,
    });
    expect(options).toMatchObject({ enableOfflineQueue: false, enableReadyCheck: false });
    expect(clusterOptions('worker', 750, nowhere)).toMatchObject({ enableReadyCheck: false, redisOptions: { maxRetriesPerRequest: null } });
  });
});
