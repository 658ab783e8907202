import { Queue } from 'bullmq';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { ALL_QUEUES, QueueName } from '@app/queue';
import { fixtureBytes } from '../support/fixtures.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { REPO_ROOT, ServiceProcess, startService } from '../support/service-process.js';

interface BoardRoute {
  method: string | string[];
  route: string | string[];
}
/** Bull Board's own table of its API routes: a route it adds in a later version is covered too. */
const { appRoutes } = createRequire(import.meta.url)('@bull-board/api/dist/routes.js') as { appRoutes: { api: BoardRoute[] } };
const DEPARTED_JOB = 'ev-evt_01JD7QK9N2W5Z8XG4M3R6T1YHV';

/** Every state-changing route of the board's API, its parameters filled with a real queue and job. */
function changingRoutes(): Array<[string, string]> {
  const params: Record<string, string> = {
    queueName: QueueName.Milestones,
    jobId: DEPARTED_JOB,
    queueStatus: 'waiting',
    schedulerId: 'none',
  };
  return appRoutes.api.flatMap((definition) =>
    [definition.method]
      .flat()
      .filter((method) => !['get', 'head'].includes(method.toLowerCase()))
      .flatMap((method) =>
        [definition.route]
          .flat()
          .map((route): [string, string] => [
            method.toUpperCase(),
            `/admin/queues${route.replace(/:(\w+)/g, (_m, name: string) => params[name])}`,
          ]),
      ),
  );
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Bull Board at /admin/queues', () => {
  let stack: ApiStack;
  let browser: Browser;

  beforeAll(async () => {
    // No worker: the delivered events stay waiting, so the board has jobs to show.
    [stack, browser] = await Promise.all([
      startApiStack('board', { worker: false }),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    for (const fixture of [
      'compact/milestone-departed.json',
      'compact/invoice-freight-ready.json',
      'flexport-v2/unknown-future-type.json',
    ]) {
      await stack.client.deliver(fixtureBytes(fixture));
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe('answers 401 with a Basic challenge unless the credentials are admin / ADMIN_PASSWORD', () => {
    it.each([
      ['no credentials', null],
      ['a wrong password', basic('admin', 'wrong')],
      ['the password with a character missing', basic('admin', E2E_SECRETS.adminPassword.slice(0, -1))],
      ['another user', basic('root', E2E_SECRETS.adminPassword)],
      ['the API token as a bearer', `Bearer ${E2E_SECRETS.apiToken}`],
      ['garbage', 'Basic !!!'],
    ])('%s', async (_label, authorization) => {
      for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/%71ueues/api/queues']) {
        const response = await fetch(`${stack.api.url}${path}`, { headers: authorization ? { authorization } : {} });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
    });
  });

  describe('read-only by default (BOARD_READ_ONLY)', () => {
    let milestones: Queue;
    beforeAll(() => {
      milestones = new Queue(QueueName.Milestones, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    });
    afterAll(() => milestones?.close());

    it('lists every state-changing route of the board (the list is not empty)', () => {
      const routes = changingRoutes().map(([method, path]) => `${method} ${path}`);
      expect(routes.length).toBeGreaterThan(15);
      expect(routes).toEqual(
        expect.arrayContaining([
          'POST /admin/queues/api/queues/milestones/add',
          `PUT /admin/queues/api/queues/milestones/${DEPARTED_JOB}/retry`,
          'PUT /admin/queues/api/queues/milestones/clean/waiting',
          'PUT /admin/queues/api/queues/milestones/empty',
          'PUT /admin/queues/api/queues/pause',
        ]),
      );
    });

    it('refuses every one of them with 403, for the admin too, and nothing changes', async () => {
      const before = await milestones.getJobCounts();
      for (const [method, path] of changingRoutes()) {
        const response = await fetch(`${stack.api.url}${path}`, {
          method,
          headers: { authorization: basic('admin', E2E_SECRETS.adminPassword), 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'forged', data: { url: 'https://attacker.example/' } }),
        });
        expect({ route: `${method} ${path}`, status: response.status }).toEqual({ route: `${method} ${path}`, status: 403 });
        expect(await response.json()).toMatchObject({ error: 'board_read_only' });
      }
      expect(await milestones.isPaused()).toBe(false);
      expect(await milestones.getJobCounts()).toEqual(before);
      expect(await (await milestones.getJob(DEPARTED_JOB))?.getState()).toBe('waiting');
    });

    it('still shows queues and jobs', async () => {
      const headers = { authorization: basic('admin', E2E_SECRETS.adminPassword) };
      const response = await fetch(`${stack.api.url}/admin/queues/api/queues?activeQueue=milestones&status=waiting`, { headers });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain(DEPARTED_JOB);
    });
  });

  describe('with BOARD_READ_ONLY=false', () => {
    let writable: ServiceProcess;
    let milestones: Queue;
    const headers = { authorization: basic('admin', E2E_SECRETS.adminPassword) };

    beforeAll(async () => {
      writable = await startService('api', { ...stack.env, BOARD_READ_ONLY: 'false', RUN_MIGRATIONS: 'false' }, { startTimeoutMs: 60_000 });
      milestones = new Queue(QueueName.Milestones, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    }, 60_000);
    afterAll(async () => {
      await milestones?.resume();
      await milestones?.close();
      await writable?.stop();
    });

    it('takes actions, but a body only as application/json (415 for what a cross-site form sends)', async () => {
      const pause = `${writable.url}/admin/queues/api/queues/milestones/pause`;
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const refused = await fetch(pause, { method: 'PUT', headers: { ...headers, 'content-type': contentType }, body: 'x=1' });
        expect(refused.status).toBe(415);
      }
      expect(await milestones.isPaused()).toBe(false);
      expect((await fetch(pause, { method: 'PUT', headers })).status).toBe(200);
      expect(await milestones.isPaused()).toBe(true);
      const resume = await fetch(`${writable.url}/admin/queues/api/queues/milestones/resume`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(resume.status).toBe(200);
      expect(await milestones.isPaused()).toBe(false);
    });
  });

  it('lets a person log in and shows every queue, in a real browser', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: E2E_SECRETS.adminPassword },
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${stack.api.url}/admin/queues`);
      expect(response?.status()).toBe(200);
      await page.getByText(ALL_QUEUES[0], { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.getByText('Loading...').waitFor({ state: 'detached', timeout: 20_000 });
      const text = await page.locator('body').innerText();
      for (const queue of ALL_QUEUES) expect(text).toContain(queue);
      expect(await page.title()).toBe('flexport-webhooks');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: resolve(ARTIFACTS, 'bull-board.png'), fullPage: true });

      await page.getByText(ALL_QUEUES[0], { exact: true }).first().click();
      await page.waitForURL(/\/admin\/queues\/queue\//, { timeout: 10_000 });
      // The job intake queued for the departed milestone, waiting (no worker in this stack).
      await page.getByText('ev-evt_01JD7QK9N2W5Z8XG4M3R6T1YHV').first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: resolve(ARTIFACTS, 'bull-board-milestones.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it.each([
    ['without credentials', undefined],
    ['with a wrong password', { username: 'admin', password: 'guess' }],
  ])('shows nothing to a browser %s', async (_label, httpCredentials) => {
    const context = await browser.newContext(httpCredentials ? { httpCredentials } : {});
    try {
      const page = await context.newPage();
      // Chromium gives up on a Basic challenge it cannot answer (net::ERR_INVALID_AUTH_CREDENTIALS).
      const outcome = await page
        .goto(`${stack.api.url}/admin/queues`)
        .then((response) => `status ${response?.status()}`)
        .catch((error: Error) => error.message);
      expect(outcome).toMatch(/status 401|ERR_INVALID_AUTH_CREDENTIALS/);
    } finally {
      await context.close();
    }
  });
});
