import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { useStructuredLogs } from '@app/observability';
import { WorkerModule } from './worker.module.js';

/**
 * Starts the worker role: a Nest application context (no HTTP) whose queue consumers run until
 * `close()`, which stops them taking jobs and waits for the jobs in hand (see WorkerSupervisor).
 * Pending migrations are applied first when `app.runMigrations` is set (DatabaseModule).
 */
export async function bootstrapWorker(): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(WorkerModule, { abortOnError: false, bufferLogs: true });
  useStructuredLogs(context);
  new Logger('Worker').log('worker ready');
  return context;
}
