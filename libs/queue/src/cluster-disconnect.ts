import type { Cluster } from 'ioredis';

const RETRY_MS = 250;

/**
 * Makes `disconnect()` of a cluster client, and of its duplicates, always reach `end`.
 *
 * BullMQ resets a worker's blocking connection (a duplicate of this client) when a blocking read
 * outlives its deadline, as during a failover, by disconnecting it and awaiting `end` without a
 * timeout. An ioredis Cluster emits `end` only once its node pool is empty, but a command retry
 * still in flight (a MOVED redirect, a slot refresh) can put a node back into the pool meanwhile:
 * the client then stays `disconnecting`, and the worker takes no job again, silently
 * (taskforcesh/bullmq#4138, #4065). While the client is still `disconnecting`, this drops such
 * nodes again until it ends; a client that has moved on (reconnecting, say) is left alone.
 */
export function endOnDisconnect(cluster: Cluster): Cluster {
  const disconnect = cluster.disconnect.bind(cluster);
  cluster.disconnect = (reconnect = false) => {
    disconnect(reconnect);
    if (reconnect) return;
    const timer = setInterval(() => {
      if (cluster.status === 'disconnecting') disconnect(false);
      else clearInterval(timer);
    }, RETRY_MS);
    timer.unref();
  };
  const duplicate = cluster.duplicate.bind(cluster);
  cluster.duplicate = (...args: Parameters<Cluster['duplicate']>) => endOnDisconnect(duplicate(...args));
  return cluster;
}
