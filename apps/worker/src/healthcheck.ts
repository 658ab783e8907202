import { statSync } from 'node:fs';
import { HEARTBEAT_INTERVAL_MS } from '@app/config';

// Container health check of the worker role: healthy while its heartbeat file is fresh.
export const WORKER_HEARTBEAT_FILE = process.env.HEARTBEAT_FILE ?? '/tmp/flexport-worker.heartbeat';

try {
  const age = Date.now() - statSync(WORKER_HEARTBEAT_FILE).mtimeMs;
  process.exit(age < 3 * HEARTBEAT_INTERVAL_MS ? 0 : 1);
} catch {
  process.exit(1);
}
