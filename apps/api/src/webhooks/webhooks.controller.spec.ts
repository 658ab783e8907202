import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { loadAppConfig } from '@app/config';
import { signatureHeaders } from '@app/flexport';
import { IntakeResult, IntakeService, QueueUnavailableError } from '@app/intake';
import { EventMetrics, requestIdOf } from '@app/observability';
import { ClosingFastifyAdapter } from '../http/closing-adapter.js';
import { configureHttp } from '../http/configure-http.js';
import { FlexportSignatureGuard } from './flexport-signature.guard.js';
import { WebhooksController } from './webhooks.controller.js';

const SECRET = 'webhooks-controller-secret';
const config = loadAppConfig({ NODE_ENV: 'test', FLEXPORT_WEBHOOK_SECRETS: SECRET, WEBHOOK_BODY_LIMIT_BYTES: '1024' });

/** Stands in for the intake (whose Redis side has its own tests): counts calls, answers as told. */
class CountingIntake {
  calls = 0;
  answer: () => Promise<IntakeResult> = async () => ({ status: 'queued', eventId: 'e1' });
  accept(): Promise<IntakeResult> {
    this.calls++;
    return this.answer();
  }
}

describe('WebhooksController on Nest router, behind FlexportSignatureGuard', () => {
  let app: NestFastifyApplication;
  let adapter: ClosingFastifyAdapter;
  let intake: CountingIntake;
  let url: string;
  let warnings: unknown[];
  let rejections: string[];

  beforeEach(async () => {
    intake = new CountingIntake();
    warnings = [];
    rejections = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    @Module({
      controllers: [WebhooksController],
      providers: [
        FlexportSignatureGuard,
        { provide: IntakeService, useValue: intake },
        { provide: ConfigService, useValue: new ConfigService({ app: config }) },
        { provide: EventMetrics, useValue: { count: (_counter: string, label: string) => void rejections.push(label) } },
      ],
    })
    class WebhooksOnly {}
    adapter = new ClosingFastifyAdapter({ genReqId: (req: IncomingMessage) => requestIdOf(req) });
    app = await NestFactory.create<NestFastifyApplication>(WebhooksOnly, adapter, {
      bodyParser: false,
      logger: false,
      return503OnClosing: true,
    });
    configureHttp(app, adapter, config);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/webhooks/flexport`.replace('[::1]', '127.0.0.1');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  const deliver = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signatureHeaders(body, SECRET), ...headers } });

  it('answers 200 with what the intake says, echoing the request id it was given', async () => {
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'x-request-id': 'req-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'queued', eventId: 'e1' });
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(intake.calls).toBe(1);
  });

  it.each([
    ['no signature', {} as Record<string, string>, 'missing'],
    ['a wrong signature', { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, 'invalid'],
    ['a signature made with another secret', signatureHeaders('{"type":"x"}', 'another-secret'), 'invalid'],
  ])('refuses %s with 401 invalid_signature before the intake, counted and logged', async (_label, headers, reason) => {
    const response = await fetch(url, {
      method: 'POST',
      body: '{"type":"x"}',
      headers: { 'content-type': 'application/json', ...headers },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_signature' });
    expect(intake.calls).toBe(0);
    expect(rejections).toEqual([reason]);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected: invalid signature' })]);
  });

  it('answers 503 with Retry-After when Redis cannot take the event', async () => {
    intake.answer = async () => {
      throw new QueueUnavailableError('redis is reconnecting');
    };
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ error: 'queue_unavailable' });
  });

  it('while shutting down, answers 503 with Connection: close and a log line, without queueing', async () => {
    adapter.beforeClose();
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'x-request-id': 'req-2' });
    expect(response.status).toBe(503);
    expect(response.headers.get('connection')).toBe('close');
    expect(response.headers.get('x-request-id')).toBe('req-2');
    expect(intake.calls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-2', statusCode: 503 })]);
  });

  it('answers a body over the limit with 413 and a log line, without queueing', async () => {
    const response = await deliver(JSON.stringify({ type: 'x', padding: 'x'.repeat(1024) }), { 'x-request-id': 'req-3' });
    expect(response.status).toBe(413);
    expect(response.headers.get('x-request-id')).toBe('req-3');
    expect(intake.calls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-3', statusCode: 413 })]);
  });

  it('answers a malformed Content-Type with 415 and a log line, without queueing', async () => {
    const response = await deliver('{"id":"e1","type":"booking.confirmed"}', { 'content-type': 'application/', 'x-request-id': 'req-4' });
    expect(response.status).toBe(415);
    expect(intake.calls).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'webhook rejected', reqId: 'req-4', statusCode: 415 })]);
  });
});
