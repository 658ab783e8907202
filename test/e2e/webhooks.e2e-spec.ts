import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createHash, createHmac } from 'node:crypto';
import { EventCategory, signatureHeaders } from '@app/flexport';
import { ALL_QUEUES, eventJobId, EventJobData, QuarantineJobData, QueueName } from '@app/queue';
import { createTestDatabase, TestDatabase } from '../support/database.js';
import { fixtureBytes } from '../support/fixtures.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL } from '../support/redis.js';
import { ServiceProcess, startService, uniquePrefix } from '../support/service-process.js';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';
const REDIS_URL = 'redis://127.0.0.1:6379';

const hmac = (algorithm: 'sha256' | 'sha1', secret: string, body: Buffer) => createHmac(algorithm, secret).update(body).digest('hex');

describe('POST /webhooks/flexport', () => {
  let api: ServiceProcess;
  let database: TestDatabase;
  const prefix = uniquePrefix('intake');
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: { url: REDIS_URL }, prefix }));
    return queues.get(name)!;
  };

  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/webhooks/flexport`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const signed = (body: Buffer | string, secret = SECRET) => post(body, signatureHeaders(body, secret));

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    api = await startService('api', {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      REDIS_URL,
      FLEXPORT_WEBHOOK_SECRETS: `${SECRET},${OLD_SECRET}`,
      WEBHOOK_BODY_LIMIT_BYTES: String(64 * 1024),
    });
  });

  afterAll(async () => {
    await api?.stop();
    for (const q of queues.values()) {
      await q.obliterate({ force: true });
      await q.close();
    }
    await deletePrefix(prefix);
    await database?.drop();
  });

  describe('rejects anything not signed with a configured secret with 401 invalid_signature', () => {
    const body = fixtureBytes('compact/milestone-departed.json');
    const good = hmac('sha256', SECRET, body);
    const cases: Array<[string, Record<string, string>]> = [
      ['no signature header', {}],
      ['an empty header', { 'X-Hub-Signature-256': '' }],
      ['only the prefix', { 'X-Hub-Signature-256': 'sha256=' }],
      ['a short digest', { 'X-Hub-Signature-256': `sha256=${good.slice(0, 63)}` }],
      ['a long digest', { 'X-Hub-Signature-256': `sha256=${good}0` }],
      ['non-hex characters', { 'X-Hub-Signature-256': `sha256=${good.slice(0, 63)}g` }],
      ['a digest under another secret', { 'X-Hub-Signature-256': `sha256=${hmac('sha256', 'wrong', body)}` }],
      ['a sha1 digest in the sha256 header', { 'X-Hub-Signature-256': `sha1=${hmac('sha1', SECRET, body)}` }],
      ['an unknown algorithm', { 'X-Hub-Signature-256': `sha512=${good}` }],
      [
        'a wrong sha256 header beside a right legacy one',
        {
          'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}`,
          'X-Hub-Signature': `sha1=${hmac('sha1', SECRET, body)}`,
        },
      ],
      ['a huge header', { 'X-Hub-Signature-256': 'a'.repeat(8000) }],
      ['unicode garbage', { 'X-Hub-Signature-256': 'sha256=ÿÿÿ' }],
    ];
    it.each(cases)('%s', async (_label, headers) => {
      const response = await post(body, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'invalid_signature' });
    });

    it('a repeated signature header', async () => {
      const headers = new Headers({ 'content-type': 'application/json' });
      headers.append('X-Hub-Signature-256', `sha256=${good}`);
      headers.append('X-Hub-Signature-256', `sha256=${good}`);
      const response = await fetch(`${api.url}/webhooks/flexport`, { method: 'POST', headers, body });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'invalid_signature' });
    });

    it('a body reformatted after signing', async () => {
      const reformatted = JSON.stringify(JSON.parse(body.toString()));
      const response = await post(reformatted, { 'X-Hub-Signature-256': `sha256=${good}` });
      expect(response.status).toBe(401);
    });
  });

  it('accepts the secret being rotated out as well as the current one', async () => {
    const body = JSON.stringify({ id: `evt_rot_${prefix}`, type: 'shipment.milestone', data: { shipment_id: 'S1', milestone: 'arrived' } });
    const response = await signed(body, OLD_SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ eventId: `evt_rot_${prefix}`, status: 'queued' });
  });

  it('accepts the legacy X-Hub-Signature header with HMAC-SHA1, bare and in upper case', async () => {
    const body = Buffer.from(JSON.stringify({ id: `evt_sha1_${prefix}`, type: 'booking.confirmed', data: { booking_id: 'B1' } }));
    const response = await post(body, { 'X-Hub-Signature': hmac('sha1', SECRET, body).toUpperCase() });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('queued');
  });

  it('answers 413 for a body over the configured limit, with a log line', async () => {
    const body = JSON.stringify({ type: 'document.uploaded', padding: 'x'.repeat(70 * 1024) });
    const response = await signed(body);
    expect(response.status).toBe(413);
    await waitForOutput(() => api.output(), '"statusCode":413');
    expect(api.output()).toMatch(/"msg":"webhook rejected"[^\n]*"statusCode":413/);
  });

  it('writes one log line per accepted webhook, naming its event and the request id it answered with', async () => {
    const body = JSON.stringify({ id: `evt_log_${prefix}`, type: 'booking.confirmed', data: { booking_id: 'B-log' } });
    const response = await post(body, { ...signatureHeaders(body, SECRET), 'x-request-id': `req-log-${prefix}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(`req-log-${prefix}`);
    await waitForOutput(() => api.output(), `evt_log_${prefix}`);
    const lines = api
      .output()
      .split('\n')
      .filter((line) => line.includes(`evt_log_${prefix}`));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      msg: 'webhook',
      reqId: `req-log-${prefix}`,
      eventId: `evt_log_${prefix}`,
      status: 'queued',
    });
  });

  it('quarantines a signed body that is not an event and keeps its bytes', async () => {
    const body = Buffer.from('[1, 2, "not an event"]');
    const response = await signed(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'quarantined' });
    const jobs = await queue(QueueName.Quarantine).getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    const kept = jobs.map((job) => job.data as QuarantineJobData).find((data) => data.bodyBase64 === body.toString('base64'));
    expect(kept?.reason).toBe('body is not a JSON object');
  });

  it.each([
    ['invalid JSON', '{"type": "shipment.milestone",'],
    ['a type that is not a string', '{"type": 42}'],
    ['an empty body', ''],
  ])('quarantines %s', async (_label, text) => {
    const response = await signed(text);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'quarantined' });
  });

  it('answers duplicate for the same event delivered again, and queues it once', async () => {
    const body = fixtureBytes('compact/invoice-freight-ready.json');
    const first = await signed(body);
    const second = await signed(body);
    expect(await first.json()).toEqual({ eventId: 'evt_01JD7QQ2C4E6G8J0L3N5Q7S9UW', status: 'queued' });
    expect(await second.json()).toEqual({ eventId: 'evt_01JD7QQ2C4E6G8J0L3N5Q7S9UW', status: 'duplicate' });
    expect(await queue(QueueName.Invoices).getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('puts a v2 delivery on the milestones queue with its normalised identity', async () => {
    const response = await signed(fixtureBytes('flexport-v2/shipment-leg-departed.json'));
    expect(await response.json()).toEqual({ eventId: '2208114', status: 'queued' });
    const job = await queue(QueueName.Milestones).getJob(eventJobId('2208114'));
    const data = job?.data as EventJobData;
    expect(job?.id).toBe('ev-2208114');
    expect(data).toMatchObject({
      eventId: '2208114',
      type: '/shipment_leg#departed',
      category: EventCategory.Milestone,
      name: 'departed',
    });
    expect(data.envelope.data).toMatchObject({ shipment: { id: 104233 } });
  });

  it('runs no queue consumer in the API process: what it queues waits for a worker', async () => {
    const response = await signed(fixtureBytes('compact/eta-updated.json'));
    expect(response.status).toBe(200);
    for (const name of ALL_QUEUES) expect(await queue(name).getWorkersCount()).toBe(0);
    expect(await queue(QueueName.Transit).getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('puts a compact delivery on its category queue', async () => {
    const response = await signed(fixtureBytes('compact/container-loaded.json'));
    expect(await response.json()).toEqual({ eventId: 'evt_01JD7QS4F6H8K0M2P4R6T8W0YZ', status: 'queued' });
    const job = await queue(QueueName.Containers).getJob(eventJobId('evt_01JD7QS4F6H8K0M2P4R6T8W0YZ'));
    expect(job?.data).toMatchObject({ category: 'container', name: 'container_loaded', type: 'container.loaded' });
  });

  it('queues an unknown type on the unknown-events queue instead of rejecting it', async () => {
    const response = await signed(fixtureBytes('flexport-v2/unknown-future-type.json'));
    expect(await response.json()).toEqual({ eventId: '2208999', status: 'queued' });
    const job = await queue(QueueName.UnknownEvents).getJob(eventJobId('2208999'));
    expect(job?.data).toMatchObject({ category: 'unknown', name: null });
  });

  it('names an event without id by the SHA-256 of its raw body', async () => {
    const body = Buffer.from(`{"type":"container.unloaded","data":{"container_number":"${prefix}"}}`);
    const response = await signed(body);
    const { eventId } = (await response.json()) as { eventId: string };
    expect(eventId).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    const job = await queue(QueueName.Containers).getJob(eventJobId(eventId));
    expect(job?.id).not.toContain(':');
  });

  it('writes only keys under QUEUE_PREFIX', async () => {
    const foreign = (await keysUnder(`*${prefix}*`)).filter((key) => !key.startsWith(`${prefix}:`));
    expect(foreign).toEqual([]);
    expect((await keysUnder(`${prefix}:seen:*`)).length).toBeGreaterThan(0);
  });

  it('does not answer other methods with a 5xx', async () => {
    const response = await fetch(`${api.url}/webhooks/flexport`);
    expect([404, 405]).toContain(response.status);
  });
});

describe('POST /webhooks/flexport without Redis', () => {
  let api: ServiceProcess;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    api = await startService('api', {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: uniquePrefix('noredis'),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
  });
  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('answers 503 with Retry-After within about a second, request after request', async () => {
    const body = fixtureBytes('compact/milestone-departed.json');
    const headers = { 'content-type': 'application/json', ...signatureHeaders(body, 'whsec_development_only') };
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const response = await fetch(`${api.url}/webhooks/flexport`, { method: 'POST', headers, body });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(1500);
    }
  });

  it('still rejects a bad signature with 401 first', async () => {
    const response = await fetch(`${api.url}/webhooks/flexport`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
  });
});

async function waitForOutput(output: () => string, text: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no log line with ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /webhooks/flexport while Redis hangs', () => {
  let api: ServiceProcess;
  let database: TestDatabase;
  let redis: TcpProxy;
  const prefix = uniquePrefix('hung');

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    redis = await startTcpProxy(6379);
    api = await startService('api', { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, REDIS_URL: `redis://127.0.0.1:${redis.port}` });
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await redis?.close();
    await deletePrefix(prefix);
    await database?.drop();
  });

  it('answers 200 while Redis answers, then 503 with Retry-After within about a second once it stops answering', async () => {
    const post = (id: string) => {
      const body = Buffer.from(JSON.stringify({ id, type: 'booking.confirmed', data: { booking_id: 'B-hung' } }));
      return fetch(`${api.url}/webhooks/flexport`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `req-${id}`, ...signatureHeaders(body, 'whsec_development_only') },
        body,
      });
    };
    expect((await post(`evt_hung_before_${prefix}`)).status).toBe(200);
    redis.freeze();
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = Date.now();
      const response = await post(`evt_hung_${attempt}_${prefix}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    // One line per refused webhook, the route's own.
    await waitForOutput(() => api.output(), `req-evt_hung_1_${prefix}`);
    const lines = api
      .output()
      .split('\n')
      .filter((line) => line.includes(`req-evt_hung_1_${prefix}`));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'webhook not queued: redis unavailable' });

    // Counted while Redis hung (flexport_webhooks_unavailable_total), added to the shared totals once it
    // is back. At least once: a flush that timed out during the hang may also be resent by ioredis.
    await redis.cut();
    await redis.restore();
    const direct = new Redis(TEST_REDIS_URL);
    try {
      const deadline = Date.now() + 10_000;
      let counted = 0;
      while (counted < 2 && Date.now() < deadline) {
        counted = Number(await direct.hget(`${prefix}:metrics`, 'c|unavailable|queue'));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(counted).toBeGreaterThanOrEqual(2);
    } finally {
      direct.disconnect();
    }
  });
});
