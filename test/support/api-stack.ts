import { signatureHeaders } from '@app/flexport';
import { createTestDatabase, TestDatabase } from './database.js';
import { deletePrefix, TEST_REDIS_URL } from './redis.js';
import { ServiceProcess, startService, uniquePrefix } from './service-process.js';

/** Long enough that the log scrubber replaces them by value, and unmistakable in captured output. */
export const E2E_SECRETS = {
  webhookSecret: 'whsec_e2e_5b2e9a71c4d8f03e',
  apiToken: 'e2e-api-token-3f9c1b7d2a6e4085',
  adminApiToken: 'e2e-admin-api-token-c81d5e0b94a7',
  adminPassword: 'e2e-admin-password-8d41c2f7a9',
} as const;

export interface ApiStack {
  api: ServiceProcess;
  worker: ServiceProcess | null;
  db: TestDatabase;
  prefix: string;
  env: Record<string, string>;
  client: ApiClient;
  stop(): Promise<void>;
}

/**
 * A fresh database and QUEUE_PREFIX, the built API and (optionally) a worker, as separate processes,
 * as in production. Stop it in afterAll.
 */
export async function startApiStack(
  label: string,
  { worker = true, env = {} }: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<ApiStack> {
  const db = await createTestDatabase();
  const prefix = uniquePrefix(label);
  const stackEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    DATABASE_DIRECT_URL: db.directUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    FLEXPORT_WEBHOOK_SECRETS: E2E_SECRETS.webhookSecret,
    API_TOKEN: E2E_SECRETS.apiToken,
    ADMIN_API_TOKEN: E2E_SECRETS.adminApiToken,
    ADMIN_PASSWORD: E2E_SECRETS.adminPassword,
    // The suites send hundreds of wrong credentials from 127.0.0.1 on purpose; the limit has a spec of its own.
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...env,
  };
  let api: ServiceProcess | undefined;
  let consumer: ServiceProcess | null = null;
  try {
    [api, consumer] = await Promise.all([
      startService('api', stackEnv, { startTimeoutMs: 60_000 }),
      worker ? startService('worker', stackEnv, { startTimeoutMs: 60_000 }) : Promise.resolve(null),
    ]);
  } catch (error) {
    await api?.stop();
    await consumer?.stop();
    await db.drop();
    await deletePrefix(prefix);
    throw error;
  }
  const started = api;
  return {
    api: started,
    worker: consumer,
    db,
    prefix,
    env: stackEnv,
    client: new ApiClient(started.url),
    async stop() {
      await Promise.all([started.stop(), consumer?.stop()]);
      await db.drop();
      await deletePrefix(prefix);
    },
  };
}

export class ApiClient {
  constructor(readonly url: string) {}

  /** GET with the bearer token (or the given Authorization header; null: none). */
  get(path: string, authorization: string | null = `Bearer ${E2E_SECRETS.apiToken}`): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: authorization === null ? {} : { authorization } });
  }

  async json<T = Record<string, unknown>>(path: string): Promise<T> {
    const response = await this.get(path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  post(path: string, body?: unknown, authorization: string | null = `Bearer ${E2E_SECRETS.apiToken}`): Promise<Response> {
    const headers: Record<string, string> = authorization === null ? {} : { authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.url}${path}`, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** The admin API, under ADMIN_API_TOKEN. */
  adminGet(path: string): Promise<Response> {
    return this.get(path, `Bearer ${E2E_SECRETS.adminApiToken}`);
  }

  async adminJson<T = Record<string, unknown>>(path: string): Promise<T> {
    const response = await this.adminGet(path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  adminPost(path: string, body?: unknown): Promise<Response> {
    return this.post(path, body, `Bearer ${E2E_SECRETS.adminApiToken}`);
  }

  /** Starts a background admin run (202) and waits until it has finished; returns the finished run. */
  async adminRun(path: string, body?: unknown, timeoutMs = 60_000): Promise<AdminRunResult> {
    const response = await this.adminPost(path, body);
    if (response.status !== 202) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    const { runId } = (await response.json()) as AdminRunResult;
    return waitFor(
      async () => {
        const run = await this.adminJson<AdminRunResult>(`${path}/${runId}`);
        return run.status === 'running' ? undefined : run;
      },
      { timeoutMs, what: `${path} run ${runId} to finish` },
    );
  }

  /** Delivers a webhook signed with the stack's secret, as Flexport does. */
  async deliver(body: Buffer | string): Promise<{ eventId?: string; status: string }> {
    const response = await fetch(`${this.url}/webhooks/flexport`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signatureHeaders(body, E2E_SECRETS.webhookSecret) },
      body,
    });
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { eventId?: string; status: string };
  }

  /** Waits until the event log holds the event with one of `statuses`, and returns it. */
  async settled(eventId: string, statuses = ['processed', 'ignored', 'dead'], timeoutMs = 20_000): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const response = await this.get(`/events/${encodeURIComponent(eventId)}`);
        if (response.status !== 200) return undefined;
        const event = (await response.json()) as Record<string, unknown>;
        return statuses.includes(event.status as string) ? event : undefined;
      },
      { timeoutMs, what: `event ${eventId} to reach ${statuses.join('|')}` },
    );
  }
}

export interface AdminRunResult {
  runId: string;
  kind: string;
  status: 'running' | 'succeeded' | 'failed';
  params: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  error: string | null;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
