import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BASELINE_JOB_OPTIONS, BASELINE_QUEUE, requiredEnv } from './baseline-config.js';

/**
 * Baseline (a): the least a correct intake does. A bare Fastify server verifies the HMAC over the
 * raw body, adds the event to BullMQ under a job id and answers 200 once Redis has stored it.
 */
const secret = requiredEnv('FLEXPORT_WEBHOOK_SECRETS').split(',')[0].trim();
const queue = new Queue(BASELINE_QUEUE, {
  connection: { url: requiredEnv('REDIS_URL'), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  prefix: requiredEnv('QUEUE_PREFIX'),
  defaultJobOptions: BASELINE_JOB_OPTIONS,
});
queue.on('error', () => undefined);

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

function signed(body: Buffer, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const hex = header.startsWith('sha256=') ? header.slice(7) : header;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

app.post('/webhooks/flexport', async (request, reply) => {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (!signed(body, request.headers['x-hub-signature-256'])) return reply.code(401).send({ error: 'invalid_signature' });
  let envelope: { id?: unknown; type?: unknown };
  try {
    envelope = JSON.parse(body.toString('utf8')) as { id?: unknown; type?: unknown };
  } catch {
    return reply.code(200).send({ status: 'quarantined' });
  }
  const eventId = String(envelope.id);
  try {
    await queue.add('event', envelope, { jobId: `ev-${eventId.replace(/:/g, '%3A')}` });
  } catch {
    return reply.code(503).header('Retry-After', '5').send({ error: 'queue_unavailable' });
  }
  return { eventId, status: 'queued' };
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log(`baseline-intake started (pid ${process.pid})`);

process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await queue.close();
    process.exit(0);
  })();
});
