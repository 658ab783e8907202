import { Logger } from '@nestjs/common';
import { writeFileSync } from 'node:fs';

interface Closeable {
  close(): Promise<void>;
}

/**
 * Starts a role and keeps it until SIGTERM or SIGINT, then closes everything it holds (HTTP stops
 * accepting, workers finish their current jobs) and exits 0. A failed start exits 1 with the reason.
 */
export async function runUntilSignal(
  role: string,
  start: () => Promise<Closeable[]>,
  { heartbeatFile }: { heartbeatFile?: string } = {},
): Promise<void> {
  const logger = new Logger('Process');
  let running: Closeable[];
  try {
    running = await start();
  } catch (error) {
    logger.error(`${role} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  logger.log(`${role} started (pid ${process.pid})`);
  let stopping = false;
  const heartbeat = heartbeatFile ? startHeartbeat(heartbeatFile, () => !stopping) : undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    logger.log(`${role} received ${signal}: finishing work in hand`);
    try {
      for (const closeable of running) await closeable.close();
      logger.log(`${role} stopped`);
      process.exit(0);
    } catch (error) {
      logger.error(`${role} did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

export const HEARTBEAT_INTERVAL_MS = 10_000;

/** A process without HTTP proves it is alive by touching a file; its container health check reads it. */
function startHeartbeat(path: string, alive: () => boolean): NodeJS.Timeout {
  const beat = () => {
    if (alive()) writeFileSync(path, new Date().toISOString());
  };
  beat();
  return setInterval(beat, HEARTBEAT_INTERVAL_MS).unref();
}
