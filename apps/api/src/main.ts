import 'reflect-metadata';
import { runUntilSignal } from '@app/config';
import { bootstrapApi } from './bootstrap.js';

await runUntilSignal('api', async () => [await bootstrapApi()]);
