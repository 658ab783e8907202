import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { destination } from 'pino';
import { CoalescingWriter, LineWriter } from './coalescing-writer.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function recordingTarget(): LineWriter & { chunks: string[] } {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => chunks.push(chunk), flushSync: () => undefined };
}

describe('CoalescingWriter', () => {
  it('hands the lines of several turns within the window to the target as one chunk, in order', async () => {
    const target = recordingTarget();
    const writer = new CoalescingWriter(target, 50, 1);
    writer.write('a\n');
    await turn();
    writer.write('b\n');
    await turn();
    writer.write('c\n');
    expect(target.chunks).toEqual([]);
    await sleep(120);
    expect(target.chunks).toEqual(['a\nb\nc\n']);
  });

  it('writes a lone line once its window has passed, with nothing else written after it', async () => {
    const target = recordingTarget();
    const writer = new CoalescingWriter(target, 5, 1);
    writer.write('alone\n');
    await sleep(60);
    expect(target.chunks).toEqual(['alone\n']);
    writer.write('next\n');
    await sleep(60);
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

  it('loses no line written just before process.exit()', () => {
    // The built module, in a process of its own, so that it really exits.
    const built = pathToFileURL(join(process.cwd(), 'dist/libs/observability/src/coalescing-writer.js')).href;
    const script = `
      import { destination } from 'pino';
      import { CoalescingWriter } from ${JSON.stringify(built)};
      const writer = new CoalescingWriter(destination({ dest: 1, sync: false }), 60_000, 1);
      for (let i = 0; i < 1000; i++) writer.write('line ' + i + '\\n');
      process.exit(0);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toBe('line 999');
  });
});
