import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { signatureHeaders } from '@app/flexport';
import type { EventMetrics } from '@app/observability';
import type { IntakeService } from './intake.service.js';
import { WebhookServer } from './webhook-server.js';

const SECRET = 'webhook-server-secret';
const BODY_LIMIT = 1024;

describe('WebhookServer refusals, before the intake', () => {
  let closing: boolean;
  let server: Server;
  let url: string;
  let intakeCalls: number;
  let warnings: unknown[];

  beforeEach(async () => {
    closing = false;
    intakeCalls = 0;
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const webhooks = new WebhookServer(() => closing);
    server = webhooks.serverFactory((_req, res) => res.writeHead(404).end(), {});
    const intake = {
      accept: async () => {
        intakeCalls++;
        return { status: 'queued', eventId: 'e1' };
      },
    } as unknown as IntakeService;
    const metrics = { count: () => undefined } as unknown as EventMetrics;
    await webhooks.start({ intake, metrics, secrets: [SECRET] }, BODY_LIMIT);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/flexport`;
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => server.close(resolve));
  });

  const deliver = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signatureHeaders(body, SECRET), ...headers } });

  it('answers with the request id it was given, and reaches the intake', async () => {
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'x-request-id': 'req-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(intakeCalls).toBe(1);
  });

  it('while shutting down, answers 503 with Connection: close and a log line, without queueing', async () => {
    closing = true;
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'x-request-id': 'req-2' });
    expect(response.status).toBe(503);
    expect(response.headers.get('connection')).toBe('close');
    expect(response.headers.get('x-request-id')).toBe('req-2');
    expect(intakeCalls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-2', statusCode: 503 })]);
  });

  it("answers a body over the limit with Fastify's 413 and a log line, without queueing", async () => {
    const response = await deliver(JSON.stringify({ type: 'x', padding: 'x'.repeat(BODY_LIMIT) }), { 'x-request-id': 'req-3' });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(response.headers.get('x-request-id')).toBe('req-3');
    expect(intakeCalls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-3', statusCode: 413 })]);
  });

  it("answers a malformed Content-Type with Fastify's 415 and a log line, without queueing", async () => {
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'content-type': 'application/', 'x-request-id': 'req-4' });
    expect(response.status).toBe(415);
    expect(intakeCalls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-4', statusCode: 415 })]);
  });
});
