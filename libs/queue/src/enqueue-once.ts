import { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export type EnqueueOutcome = 'queued' | 'duplicate';

export interface SeenMarker {
  key: string;
  value: string;
  ttlSeconds: number;
}

/**
 * Sets the seen marker only if the job's hash exists, so that a failed add leaves no marker.
 * 1: marked now (first delivery), 0: marked before (duplicate), -1: no job hash (the add failed,
 * or the job was consumed and removed in between).
 */
const MARK_SEEN_IF_STORED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
return 0`;
const MARK_COMMAND = 'fwMarkSeenIfStored';

type MarkSeen = (jobKey: string, seenKey: string, value: string, ttlSeconds: number) => Promise<unknown>;

interface QueueConnection {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  [MARK_COMMAND]?: MarkSeen;
}

interface PreparedQueue {
  client: QueueConnection & { [MARK_COMMAND]: MarkSeen };
  defaults: JobsOptions;
}

const prepared = new WeakMap<Queue, PreparedQueue>();

async function prepare(queue: Queue): Promise<PreparedQueue> {
  const known = prepared.get(queue);
  if (known) return known;
  const client = (await queue.getBackend().client) as unknown as QueueConnection;
  if (typeof client[MARK_COMMAND] !== 'function') client.defineCommand(MARK_COMMAND, { numberOfKeys: 2, lua: MARK_SEEN_IF_STORED });
  const entry = { client: client as PreparedQueue['client'], defaults: queue.defaultJobOptions };
  prepared.set(queue, entry);
  return entry;
}

/**
 * Adds a job under its id and sets the event's seen marker in one round trip: both commands are
 * written in the same tick on the queue's connection, so Redis runs the marker's script right after
 * the job's (with batchWritesPerTurn, in the same socket write). Resolves only once Redis has
 * stored the job. `fallback` sets the marker on its own when the script could not tell (see
 * MARK_SEEN_IF_STORED).
 */
export async function enqueueOnce<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: JobsOptions & { jobId: string },
  seen: SeenMarker,
  fallback: Redis,
): Promise<EnqueueOutcome> {
  const { client, defaults } = await prepare(queue as Queue);
  const job = new Job(queue, name, data, { ...defaults, ...opts }, opts.jobId);
  // ioredis sends a command when it is called: the job's script goes first.
  const added = job.addJob(client as never);
  // Called on its client: ioredis's script commands read their connection from `this`.
  const marked = client[MARK_COMMAND](queue.toKey(opts.jobId), seen.key, seen.value, seen.ttlSeconds).catch(() => null);
  await added;
  const mark = await marked;
  if (mark === 1) return 'queued';
  if (mark === 0) return 'duplicate';
  const firstSeen = await fallback.set(seen.key, seen.value, 'EX', seen.ttlSeconds, 'NX');
  return firstSeen === 'OK' ? 'queued' : 'duplicate';
}
