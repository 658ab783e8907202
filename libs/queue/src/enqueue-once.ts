import { Job, JobsOptions, Queue, SpanKind, TelemetryAttributes } from 'bullmq';
import { createRequire } from 'node:module';

export type EnqueueOutcome = 'queued' | 'duplicate';

/** The event's seen marker: its key (`seenKey`) and how long intake remembers the event. */
export interface SeenMarker {
  key: string;
  ttlSeconds: number;
}

/**
 * The marker's key. Its value is the integer 1, which Redis keeps as a shared object: the marker
 * costs only its key and its expiry (docs/benchmarks.md, "Growth", measures it).
 */
export function seenKey(prefix: string, eventId: string): string {
  return `${prefix}:seen:${eventId}`;
}

interface LuaScript {
  name: string;
  content: string;
  keys: number;
}

/**
 * BullMQ's own add script, as its Redis connections load it: wrapped below, never copied. This
 * relies on BullMQ internals that its public API does not promise (hence the `~` range in
 * package.json, and test/integration/queue/enqueue-once.spec.ts as the gate for an upgrade):
 * - `dist/cjs/scripts` exports `addStandardJob` as `{ name, content, keys }`;
 * - `Job#addJob(client)` builds the job's arguments and calls `client.runCommand('<name>:<version>',
 *   [...keys, ...argv])`, then throws on a negative reply;
 * - the script replies with the job id, or a negative error code, and reads no `#KEYS` or `#ARGV`.
 */
const { addStandardJob } = createRequire(import.meta.url)('bullmq/dist/cjs/scripts/index.js') as { addStandardJob?: LuaScript };
if (typeof addStandardJob?.content !== 'string' || !Number.isInteger(addStandardJob.keys)) {
  throw new Error("BullMQ's addStandardJob script is not where enqueue-once.ts expects it: check it against this BullMQ version");
}
const ADD_SCRIPT: LuaScript = addStandardJob;

/**
 * The seen marker, then BullMQ's add, in one atomic script. A marker means the job was stored
 * once (the two are only ever written together), so a marked event is not added again, even when
 * its completed job has since been removed. Replies {job id or BullMQ's error code, 1 when first
 * seen now | 0 when seen before | -1 when BullMQ refused the job}.
 */
function addOnceLua(add: LuaScript): string {
  const marker = `KEYS[${add.keys + 1}]`;
  return `if redis.call('EXISTS', ${marker}) == 1 then return {cmsgpack.unpack(ARGV[1])[2], 0} end
local function addStandardJob()
${add.content}
end
local added = addStandardJob()
if type(added) == 'number' and added < 0 then return {added, -1} end
redis.call('SET', ${marker}, 1, 'EX', ARGV[#ARGV])
return {added, 1}`;
}

const ADD_ONCE_COMMAND = 'fwAddStandardJobOnce';

/** What one standard job may carry: no delay or priority (other scripts), no parent or repeat. */
export type StandardJobOptions = Omit<JobsOptions, 'delay' | 'priority' | 'parent' | 'repeat' | 'deduplication' | 'debounce'>;

type AddOnce = (args: unknown[]) => Promise<[string | number, number]>;

interface QueueConnection {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  [ADD_ONCE_COMMAND]?: AddOnce;
}

interface PreparedQueue {
  addOnce: AddOnce;
  defaults: JobsOptions;
}

const prepared = new WeakMap<Queue, PreparedQueue>();

async function prepare(queue: Queue): Promise<PreparedQueue> {
  const known = prepared.get(queue);
  if (known) return known;
  const client = (await queue.getBackend().client) as unknown as QueueConnection;
  if (typeof client[ADD_ONCE_COMMAND] !== 'function') {
    client.defineCommand(ADD_ONCE_COMMAND, { numberOfKeys: ADD_SCRIPT.keys + 1, lua: addOnceLua(ADD_SCRIPT) });
  }
  // Read once: BullMQ's wrapper of the connection binds such a command afresh on every read.
  const entry = { addOnce: client[ADD_ONCE_COMMAND] as AddOnce, defaults: queue.defaultJobOptions };
  prepared.set(queue, entry);
  return entry;
}

/**
 * Adds a job under its id and sets the event's seen marker in one script, one round trip. BullMQ
 * builds the job and its script arguments as for Queue.add, and hands them to `runCommand`; that
 * call runs the wrapped script with the marker's key and arguments added. Resolves only once Redis
 * has stored the job.
 */
export async function enqueueOnce<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: StandardJobOptions & { jobId: string },
  seen: SeenMarker,
): Promise<EnqueueOutcome> {
  if (!queue.opts.telemetry) return storeOnce(queue, name, data, opts, seen);
  // As Queue.add does with telemetry: a producer span, and its context in the job for the worker's span.
  return queue.trace(SpanKind.PRODUCER, 'add', `${queue.name}.${name}`, async (span, metadata) => {
    const traced = metadata ? Object.assign({}, opts, { telemetry: { metadata } }) : opts;
    const outcome = await storeOnce(queue, name, data, traced, seen);
    span?.setAttributes({
      [TelemetryAttributes.JobName]: name,
      [TelemetryAttributes.JobId]: opts.jobId,
      'flexport.enqueue.outcome': outcome,
    });
    return outcome;
  });
}

async function storeOnce<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: StandardJobOptions & { jobId: string },
  seen: SeenMarker,
): Promise<EnqueueOutcome> {
  const { addOnce, defaults } = await prepare(queue as Queue);
  // Object.assign, not spread: spreading the queue's defaults took V8's slow path (microseconds per job).
  const job = new Job(queue, name, data, Object.assign({}, defaults, opts), opts.jobId);
  let firstSeen = false;
  const connection = {
    async runCommand(command: string, args: unknown[]): Promise<string | number> {
      // A delay or priority, per job or by the queue's defaults, would need another BullMQ script.
      if (!command.startsWith(`${ADD_SCRIPT.name}:`)) throw new TypeError(`enqueueOnce adds standard jobs only, not ${command}`);
      const withMarker = args.slice();
      withMarker.splice(ADD_SCRIPT.keys, 0, seen.key);
      withMarker.push(seen.ttlSeconds);
      const [added, mark] = await addOnce(withMarker);
      firstSeen = mark === 1;
      return added;
    },
  };
  await job.addJob(connection as never);
  return firstSeen ? 'queued' : 'duplicate';
}
