import 'reflect-metadata';
import { startTracing } from '@app/tracing';

// Tracing first (when configured): the application is imported only once its instrumentations are in place.
const tracing = await startTracing('worker');
const { runUntilSignal } = await import('@app/config');
const { bootstrapWorker } = await import('./bootstrap.js');

// SIGTERM/SIGINT: consumers stop taking jobs, finish the current ones, and the process exits 0.
await runUntilSignal('worker', async () => [await bootstrapWorker(), tracing]);
