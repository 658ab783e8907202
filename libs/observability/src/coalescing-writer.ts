import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** The asynchronous writer the lines are handed to (pino's destination, a SonicBoom). */
export interface LineWriter {
  write(chunk: string): unknown;
  flush?(callback?: (error?: Error) => void): void;
  flushSync?(): void;
}

/**
 * Holds log lines for `windowMs` and hands them to `target` as one chunk. The asynchronous writer
 * sends each chunk through libuv's thread pool, and one hand-off per line cost more CPU than
 * formatting the line when the intake wrote one line per request. On exit, what is held is written
 * synchronously to `fd`, after the target's own buffer, so no line is lost or reordered by a clean exit.
 */
export class CoalescingWriter implements DestinationStream {
  private held: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly target: LineWriter,
    private readonly windowMs: number,
    private readonly fd: number,
  ) {
    process.on('exit', () => this.flushSync());
  }

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
    let rest = Buffer.from(this.held.join(''));
    this.held = [];
    try {
      for (let tries = 0; rest.length > 0 && tries < 1000; tries++) rest = rest.subarray(writeSync(this.fd, rest));
    } catch {
      // stdout gone (EPIPE) or not accepting more: nobody is left to read the line
    }
  }

  private release(): void {
    this.cancelTimer();
    if (this.held.length === 0) return;
    const text = this.held.length === 1 ? this.held[0] : this.held.join('');
    this.held = [];
    this.target.write(text);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
