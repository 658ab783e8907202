import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { destination } from 'pino';
import { CoalescingWriter, LineWriter } from './coalescing-writer.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recordingTarget(): LineWriter & { chunks: string[] } {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => chunks.push(chunk), flushSync: () => undefined };
}

describe('CoalescingWriter', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('hands the lines of several turns within the window to the target as one chunk, in order', async () => {
    const target = recordingTarget();
    const writer = new CoalescingWriter(target, 50, 1);
    writer.write('a\n');
    await turn();
    writer.write('b\n');
    await turn();
    jest.advanceTimersByTime(49);
    writer.write('c\n');
    expect(target.chunks).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(target.chunks).toEqual(['a\nb\nc\n']);
  });

  it('writes a lone line once its window has passed, and opens a new window for the next', () => {
    const target = recordingTarget();
    const writer = new CoalescingWriter(target, 5, 1);
    writer.write('alone\n');
    jest.advanceTimersByTime(5);
    expect(target.chunks).toEqual(['alone\n']);
    writer.write('next\n');
    jest.advanceTimersByTime(4);
    expect(target.chunks).toEqual(['alone\n']);
    jest.advanceTimersByTime(1);
    expect(target.chunks).toEqual(['alone\n', 'next\n']);
  });

  it('flushSync writes the held lines to the file descriptor after what the target holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-coalesce-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'a');
    try {
      const target = destination({ dest: fd, sync: false, minLength: 4096 });
      const writer = new CoalescingWriter(target, 10_000, fd);
      target.write('older\n');
      writer.write('held 1\n');
      writer.write('held 2\n');
      writer.flushSync();
      expect(readFileSync(file, 'utf8')).toBe('older\nheld 1\nheld 2\n');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('in a process of its own, so that it really exits', () => {
    // The built module: a child process cannot load the TypeScript source.
    const built = join(process.cwd(), 'dist/libs/observability/src/coalescing-writer.js');
    const childScript = (lines: number, nonBlocking: boolean) => `
      import { destination } from 'pino';
      // As when something else in the process has made stdout non-blocking: full pipe → EAGAIN.
      if (${nonBlocking}) process.stdout._handle.setBlocking(false);
      import { CoalescingWriter } from ${JSON.stringify(pathToFileURL(built).href)};
      const writer = new CoalescingWriter(destination({ dest: 1, sync: false }), 60_000, 1);
      process.once('exit', () => writer.flushSync());
      for (let i = 0; i < ${lines}; i++) writer.write('line ' + i + ' ' + 'x'.repeat(100) + '\\n');
      process.exit(0);`;

    /** Runs the child; its stdout is a pipe the parent only starts reading after `readAfterMs`. */
    function runChild(lines: number, readAfterMs: number, nonBlocking = false): Promise<string[]> {
      if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(lines, nonBlocking)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const chunks: Buffer[] = [];
        child.stdout.pause();
        child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
        setTimeout(() => child.stdout.resume(), readAfterMs);
        child.once('error', reject);
        child.once('close', () => resolve(Buffer.concat(chunks).toString('utf8').trim().split('\n')));
      });
    }

    beforeEach(() => jest.useRealTimers());

    it('loses no line written just before process.exit()', async () => {
      const lines = await runChild(1000, 0);
      expect(lines).toHaveLength(1000);
      expect(lines[999]).toMatch(/^line 999 x+$/);
    });

    it('waits for a slow reader of a full pipe at exit instead of dropping the rest', async () => {
      // About 330 KB, several times a pipe's buffer, on a non-blocking stdout: the writes meet EAGAIN.
      const lines = await runChild(3000, 300, true);
      expect(lines).toHaveLength(3000);
      expect(lines.every((line, i) => line.startsWith(`line ${i} `))).toBe(true);
    });
  });
});
