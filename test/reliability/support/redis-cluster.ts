import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, sleep } from '../../support/processes.js';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

/** One line of CLUSTER NODES, as a node sees its cluster. */
export interface ClusterNodeView {
  id: string;
  port: number;
  flags: string[];
  /** The master's id, for a replica. */
  masterId: string | null;
  linkState: string;
  slots: [number, number][];
}

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be unreachable before the others fail it over. */
  nodeTimeoutMs?: number;
}

/**
 * A Redis Cluster that this test owns: `masters × (1 + replicasPerMaster)` redis-server processes
 * with `--cluster-enabled yes`, each configured as production wants (AOF, `appendfsync always`,
 * `noeviction`), on spare loopback ports (client and bus ports both picked free), joined with
 * `redis-cli --cluster create … --cluster-replicas N`. Nodes are killed by their own pid only.
 */
export class RedisCluster {
  private constructor(
    readonly nodes: RedisServer[],
    readonly nodeTimeoutMs: number,
  ) {}

  static async create({ masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 2000 }: RedisClusterOptions = {}): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    const cluster = new RedisCluster(nodes, nodeTimeoutMs);
    try {
      for (let i = 0; i < masters * (1 + replicasPerMaster); i++) {
        const busPort = await freePort();
        nodes.push(
          await RedisServer.create({
            extraArgs: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              String(nodeTimeoutMs),
              '--cluster-port',
              String(busPort),
            ],
          }),
        );
      }
      await run(
        process.env.REDIS_CLI_BIN ?? 'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          String(replicasPerMaster),
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      await cluster.waitUntilSettled(masters, replicasPerMaster, 60_000);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** The seed list for REDIS_CLUSTER_NODES. */
  get seeds(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  node(port: number): RedisServer {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no node of this cluster on port ${port}`);
    return node;
  }

  /** Runs one command on one node (not through a cluster client). */
  async command(port: number, ...args: (string | number)[]): Promise<unknown> {
    const client = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      client.disconnect();
    }
  }

  async keySlot(key: string): Promise<number> {
    return Number(await this.command(this.running()[0].port, 'CLUSTER', 'KEYSLOT', key));
  }

  /** CLUSTER NODES as a running node sees it. */
  async view(port = this.running()[0].port): Promise<ClusterNodeView[]> {
    const text = String(await this.command(port, 'CLUSTER', 'NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [id, address, flags, master, , , , linkState, ...slots] = line.split(' ');
        return {
          id,
          port: Number(address.split('@')[0].split(':').pop()),
          flags: flags.split(','),
          masterId: master === '-' ? null : master,
          linkState,
          slots: slots
            .filter((slot) => !slot.startsWith('['))
            .map((slot) => {
              const [from, to = from] = slot.split('-').map(Number);
              return [from, to] as [number, number];
            }),
        };
      });
  }

  /** The port of the master that serves `slot`, as every running node agrees, or null while they do not. */
  async masterOf(slot: number): Promise<number | null> {
    const answers = new Set<number | null>();
    for (const node of this.running()) {
      try {
        const owner = (await this.view(node.port)).find(
          (view) =>
            view.flags.includes('master') &&
            !view.flags.some((flag) => flag.startsWith('fail')) &&
            view.slots.some(([a, b]) => a <= slot && slot <= b),
        );
        answers.add(owner?.port ?? null);
      } catch {
        answers.add(null);
      }
    }
    return answers.size === 1 ? [...answers][0] : null;
  }

  /** Whether every running node reports `cluster_state:ok`. */
  async healthy(): Promise<boolean> {
    for (const node of this.running()) {
      try {
        if (!/cluster_state:ok/.test(String(await this.command(node.port, 'CLUSTER', 'INFO')))) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Waits until a running master other than `formerPort` serves `slot` and the cluster is ok; returns its port. */
  async waitForNewMaster(slot: number, formerPort: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const owner = await this.masterOf(slot);
      if (owner !== null && owner !== formerPort && (await this.healthy())) return owner;
      await sleep(100);
    }
    throw new Error(`no replica took over slot ${slot} from port ${formerPort} within ${timeoutMs} ms`);
  }

  /** How many keys matching `pattern` each slot holds, over every running master. */
  async keysBySlot(pattern: string): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const node of this.running()) {
      const client = new Redis({ host: '127.0.0.1', port: node.port, maxRetriesPerRequest: 1, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        if (!/role:master/.test(await client.info('replication'))) continue;
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          const pipeline = client.pipeline();
          for (const key of keys) pipeline.call('CLUSTER', 'KEYSLOT', key);
          for (const [error, slot] of (await pipeline.exec()) ?? []) {
            if (error) throw error;
            counts.set(Number(slot), (counts.get(Number(slot)) ?? 0) + 1);
          }
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    }
    return counts;
  }

  running(): RedisServer[] {
    return this.nodes.filter((node) => node.running);
  }

  /** Until the cluster is ok, every master has its replicas, and every replica is in sync. */
  private async waitUntilSettled(masters: number, replicasPerMaster: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.settled(masters, replicasPerMaster)) return;
      await sleep(200);
    }
    throw new Error(`the cluster did not settle within ${timeoutMs} ms:\n${JSON.stringify(await this.view().catch(String))}`);
  }

  private async settled(masters: number, replicasPerMaster: number): Promise<boolean> {
    if (!(await this.healthy())) return false;
    const view = await this.view();
    const masterViews = view.filter((node) => node.flags.includes('master') && node.slots.length > 0);
    if (masterViews.length !== masters) return false;
    if (!masterViews.every((master) => view.filter((node) => node.masterId === master.id).length === replicasPerMaster)) return false;
    for (const node of view.filter((entry) => entry.masterId !== null)) {
      const info = String(await this.command(node.port, 'INFO', 'replication'));
      if (!/master_link_status:up/.test(info)) return false;
    }
    return true;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }
}
