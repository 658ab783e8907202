import 'reflect-metadata';
import { startTracing } from '@app/tracing';

// Tracing first (when configured): the application is imported only once its instrumentations are in place.
const tracing = await startTracing('server');
const { runUntilSignal } = await import('@app/config');
const { bootstrapApi } = await import('../../api/src/bootstrap.js');
const { bootstrapWorker } = await import('../../worker/src/bootstrap.js');

// The whole service in one process: the HTTP API and every queue consumer, each its own Nest context.
await runUntilSignal('server', async () => {
  const worker = await bootstrapWorker();
  const api = await bootstrapApi();
  return [api, worker, tracing];
});
