/** How the service reaches a Redis Cluster: its seed nodes and what every node connection needs. */
export interface RedisClusterConfig {
  /** Seed nodes; the client learns the rest of the cluster (and later changes) from them. */
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  /** `rediss://` seeds: TLS to every node. */
  tls: boolean;
}

/**
 * Reads REDIS_CLUSTER_NODES: comma-separated `host:port`, or `redis://[user:password@]host:port`
 * (`rediss://` for TLS) when the nodes need credentials. Throws a message for the variable's error.
 */
export function parseClusterNodes(value: string): RedisClusterConfig {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('lists no node');
  const urls = entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(entry.includes('://') ? entry : `redis://${entry}`);
    } catch {
      throw new Error(`not host:port or a redis:// URL: ${entry}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`not a redis:// or rediss:// URL: ${entry}`);
    if (url.hostname === '' || url.port === '') throw new Error(`needs a host and a port: ${entry}`);
    if (!['', '/', '/0'].includes(url.pathname) || url.search !== '')
      throw new Error(`a cluster has no database number or options: ${entry}`);
    return url;
  });
  const [first] = urls;
  const same = (url: URL) => url.protocol === first.protocol && url.username === first.username && url.password === first.password;
  if (!urls.every(same)) throw new Error('every node must have the same scheme and credentials');
  return {
    nodes: urls.map((url) => ({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) })),
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
    tls: first.protocol === 'rediss:',
  };
}

/**
 * The hash tag of a key prefix, as Redis Cluster reads it: what lies between the first `{` and the
 * first `}` after it, when that is not empty. Keys sharing a tag share a slot, so BullMQ's scripts
 * and the service's own multi-key commands can run on a cluster.
 */
export function hashTag(prefix: string): string | null {
  const open = prefix.indexOf('{');
  if (open === -1) return null;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}
