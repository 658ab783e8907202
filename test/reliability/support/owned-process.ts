import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { sleep, stopChild } from '../../support/processes.js';

/**
 * A server process the suite started itself: it keeps the tail of its output, waits until it
 * answers, and signals it by its own pid only, so the suite never touches what it did not start.
 */
export class OwnedProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(private readonly name: string) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return this.output.slice(-4000);
  }

  async launch(
    command: string,
    args: string[],
    options: SpawnOptions,
    answers: () => Promise<boolean>,
    { timeoutMs, pollMs }: { timeoutMs: number; pollMs: number },
  ): Promise<void> {
    if (this.running) return;
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.log()}`);
      if (await answers()) return;
      await sleep(pollMs);
    }
    throw new Error(`${this.name} did not answer within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await stopChild(child, exited, signal, timeoutMs);
  }
}

/** A server the suite owns (Redis, a Postgres cluster): its process's pid, state and log, for the tests' reports. */
export abstract class OwnedServer {
  protected readonly process: OwnedProcess;

  protected constructor(name: string) {
    this.process = new OwnedProcess(name);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  log(): string {
    return this.process.log();
  }
}
