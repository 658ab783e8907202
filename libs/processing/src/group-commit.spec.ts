import { GroupCommit } from './group-commit.js';

/** A batch runner whose batches finish when the test says so. */
function recorder() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  let running = 0;
  let mostRunning = 0;
  const run = (batch: number[]) => {
    batches.push(batch);
    mostRunning = Math.max(mostRunning, ++running);
    return new Promise<void>((resolve) => finish.push(() => (running--, resolve())));
  };
  return { batches, finish, run, mostRunning: () => mostRunning };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('a lone item starts at once, in a batch of its own', async () => {
    const r = recorder();
    const commit = new GroupCommit<number>({ maxBatchSize: 10, maxParallelBatches: 2 }, r.run);
    commit.add(1);
    await turn();
    expect(r.batches).toEqual([[1]]);
  });

  it('items added in the same turn share a batch; items arriving while batches run wait and go together', async () => {
    const r = recorder();
    const commit = new GroupCommit<number>({ maxBatchSize: 10, maxParallelBatches: 1 }, r.run);
    commit.add(1);
    commit.add(2);
    await turn();
    for (const item of [3, 4, 5]) {
      commit.add(item);
      await turn();
    }
    expect(r.batches).toEqual([[1, 2]]);
    r.finish.shift()?.();
    await turn();
    expect(r.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('takes at most maxBatchSize items per batch and runs at most maxParallelBatches at once', async () => {
    const r = recorder();
    const commit = new GroupCommit<number>({ maxBatchSize: 3, maxParallelBatches: 2 }, r.run);
    for (let i = 1; i <= 8; i++) commit.add(i);
    await turn();
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    r.finish.shift()?.();
    await turn();
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    while (r.finish.length > 0) {
      r.finish.shift()?.();
      await turn();
    }
    expect(r.mostRunning()).toBe(2);
  });

  it('a batch that fails does not stop the ones after it', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number>({ maxBatchSize: 1, maxParallelBatches: 1 }, async (batch) => {
      batches.push(batch);
      throw new Error('boom');
    });
    commit.add(1);
    commit.add(2);
    for (let i = 0; i < 5; i++) await turn();
    expect(batches).toEqual([[1], [2]]);
  });

  it('while a batch runs, starts another only once minParallelBatchSize items wait', async () => {
    const r = recorder();
    const commit = new GroupCommit<number>({ maxBatchSize: 10, maxParallelBatches: 2, minParallelBatchSize: 3 }, r.run);
    commit.add(1);
    await turn();
    commit.add(2);
    await turn();
    commit.add(3);
    await turn();
    expect(r.batches).toEqual([[1]]);
    commit.add(4);
    await turn();
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    r.finish.shift()?.();
    r.finish.shift()?.();
    commit.add(5);
    await turn();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('a full batch always starts beside a running one, however high minParallelBatchSize', async () => {
    const r = recorder();
    const commit = new GroupCommit<number>({ maxBatchSize: 2, maxParallelBatches: 2, minParallelBatchSize: 32 }, r.run);
    commit.add(1);
    await turn();
    commit.add(2);
    commit.add(3);
    await turn();
    expect(r.batches).toEqual([[1], [2, 3]]);
  });
});
