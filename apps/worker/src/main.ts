import 'reflect-metadata';
import { runUntilSignal } from '@app/config';
import { bootstrapWorker } from './bootstrap.js';

// SIGTERM/SIGINT: consumers stop taking jobs, finish the current ones, and the process exits 0.
await runUntilSignal('worker', async () => [await bootstrapWorker()]);
