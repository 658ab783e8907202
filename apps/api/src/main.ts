import 'reflect-metadata';
import { startTracing } from '@app/tracing';

// Tracing first (when configured): the application is imported only once its instrumentations are in place.
const tracing = await startTracing('api');
const { runUntilSignal } = await import('@app/config');
const { bootstrapApi } = await import('./bootstrap.js');

await runUntilSignal('api', async () => [await bootstrapApi(), tracing]);
