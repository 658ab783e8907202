import 'reflect-metadata';
import { runUntilSignal } from '@app/config';
import { bootstrapApi } from '../../api/src/bootstrap.js';
import { bootstrapWorker } from '../../worker/src/bootstrap.js';

// The whole service in one process: the HTTP API and every queue consumer, each its own Nest context.
await runUntilSignal('server', async () => {
  const worker = await bootstrapWorker();
  const api = await bootstrapApi();
  return [api, worker];
});
