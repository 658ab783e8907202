import { Logger } from '@nestjs/common';

const REPEAT_AFTER_MS = 30_000;

/**
 * While Redis is away every connection reports each failed reconnect, and in the API the queues
 * re-emit their shared connection's errors; one line per message every 30 s (naming the first
 * source) says the same without flooding the log.
 */
export class RedisErrorReporter {
  private readonly logger = new Logger('Redis');
  private readonly lastLogged = new Map<string, number>();

  report(source: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const key = message;
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? 0) < REPEAT_AFTER_MS) return;
    this.lastLogged.set(key, now);
    this.logger.error({ msg: 'redis connection error', source, error: message });
  }
}
