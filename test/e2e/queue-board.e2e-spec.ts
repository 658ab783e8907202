import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { ALL_QUEUES } from '@app/queue';
import { fixtureBytes } from '../support/fixtures.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';
import { REPO_ROOT } from '../support/service-process.js';

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
