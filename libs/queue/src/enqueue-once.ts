import { Job, JobsOptions, Queue } from 'bullmq';
import { createRequire } from 'node:module';

export type EnqueueOutcome = 'queued' | 'duplicate';

export interface SeenMarker {
  key: string;
  value: string;
  ttlSeconds: number;
}

interface LuaScript {
  name: string;
  content: string;
  keys: number;
}

/** BullMQ's own add script, as its Redis connections load it: wrapped below, never copied. */
const { addStandardJob } = createRequire(import.meta.url)('bullmq/dist/cjs/scripts/index.js') as { addStandardJob: LuaScript };

/**
 * BullMQ's add, then the seen marker, in one script: the marker is set only once the job is stored
 * (by this call or an earlier one), atomically with it. Replies {job id or BullMQ's error code,
 * 1 when first seen now | 0 when seen before | -1 when BullMQ refused the job}.
 */
function addOnceLua(add: LuaScript): string {
  return `local function addStandardJob()
${add.content}
end
local added = addStandardJob()
if type(added) == 'number' and added < 0 then return {added, -1} end
if redis.call('SET', KEYS[${add.keys + 1}], ARGV[#ARGV - 1], 'EX', ARGV[#ARGV], 'NX') then return {added, 1} end
return {added, 0}`;
}

const ADD_ONCE_COMMAND = 'fwAddStandardJobOnce';

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
    client.defineCommand(ADD_ONCE_COMMAND, { numberOfKeys: addStandardJob.keys + 1, lua: addOnceLua(addStandardJob) });
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
  opts: JobsOptions & { jobId: string },
  seen: SeenMarker,
): Promise<EnqueueOutcome> {
  const { addOnce, defaults } = await prepare(queue as Queue);
  // Object.assign, not spread: spreading the queue's defaults took V8's slow path (microseconds per job).
  const job = new Job(queue, name, data, Object.assign({}, defaults, opts), opts.jobId);
  let firstSeen = false;
  const connection = {
    async runCommand(command: string, args: unknown[]): Promise<string | number> {
      if (!command.startsWith(`${addStandardJob.name}:`)) throw new TypeError(`enqueueOnce adds standard jobs only, not ${command}`);
      const withMarker = args.slice();
      withMarker.splice(addStandardJob.keys, 0, seen.key);
      withMarker.push(seen.value, seen.ttlSeconds);
      const [added, mark] = await addOnce(withMarker);
      firstSeen = mark === 1;
      return added;
    },
  };
  await job.addJob(connection as never);
  return firstSeen ? 'queued' : 'duplicate';
}
