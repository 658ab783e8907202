import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** The asynchronous writer the lines are handed to (pino's destination, a SonicBoom). */
export interface LineWriter {
  write(chunk: string): unknown;
  flush?(callback?: (error?: Error) => void): void;
  flushSync?(): void;
}

/** How long flushSync keeps retrying a full pipe (EAGAIN) before it gives the rest up. */
const FLUSH_SYNC_DEADLINE_MS = 3000;
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Holds log lines for `windowMs` and hands them to `target` as one chunk. The asynchronous writer
 * sends each chunk through libuv's thread pool, and one hand-off per line cost more CPU than
 * formatting the line when the intake wrote one line per request. `flushSync` (pino calls it after
 * a fatal line; call it on exit) writes what is held to `fd` synchronously, after the target's own
 * buffer. Like pino's own asynchronous destination, a write the target has in flight at that moment
 * is not waited for, and SIGKILL loses what is held.
 */
export class CoalescingWriter implements DestinationStream {
  private held: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly target: LineWriter,
    private readonly windowMs: number,
    private readonly fd: number,
  ) {}

  write(line: string): void {
    this.held.push(line);
    if (this.timer === null) {
      this.timer = setTimeout(() => this.release(), this.windowMs);
      this.timer.unref();
    }
  }

  /** Hands the held lines to the target, then asks it to flush (pino's `logger.flush`). */
  flush(callback?: (error?: Error) => void): void {
    this.release();
    if (this.target.flush) this.target.flush(callback);
    else callback?.();
  }

  flushSync(): void {
    this.cancelTimer();
    try {
      this.target.flushSync?.();
    } catch {
      // not open yet, or closed: what it holds is its own
    }
    if (this.held.length === 0) return;
    const text = this.held.join('');
    this.held = [];
    this.writeNow(text);
  }

  private release(): void {
    this.cancelTimer();
    if (this.held.length === 0) return;
    const text = this.held.length === 1 ? this.held[0] : this.held.join('');
    this.held = [];
    try {
      this.target.write(text);
    } catch {
      // The target is closed (the process is ending): write the lines ourselves.
      this.writeNow(text);
    }
  }

  private writeNow(text: string): void {
    let rest = Buffer.from(text);
    const deadline = Date.now() + FLUSH_SYNC_DEADLINE_MS;
    while (rest.length > 0) {
      try {
        rest = rest.subarray(writeSync(this.fd, rest));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A full non-blocking pipe: wait for the reader, as pino's own flushSync does.
        if ((code === 'EAGAIN' || code === 'EBUSY') && Date.now() < deadline) sleepSync(5);
        else return; // EPIPE and the like: nobody is left to read the lines
      }
    }
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
