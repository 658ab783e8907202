import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { signatureHeaders } from '@app/flexport';
import { ApiStack, E2E_SECRETS, startApiStack, waitFor } from '../support/api-stack.js';
import { OtlpReceiver, OtlpSpan, SpanKind } from '../support/otlp-receiver.js';
import { REPO_ROOT } from '../support/service-process.js';

/** Unmistakable text inside the webhook's payload: it must never reach a span. */
const PAYLOAD_MARKER = 'payload-marker-2c9f7e41';
const EVENT_ID = 'evt_trace_e2e_0001';
const BODY = JSON.stringify({
  id: EVENT_ID,
  type: 'shipment.milestone',
  created_at: '2026-03-02T07:00:00Z',
  data: {
    shipment_id: 'SHP-TRACE-1',
    milestone: 'departed',
    occurred_at: '2026-03-02T06:40:00Z',
    location: { name: `Port of ${PAYLOAD_MARKER}`, country: 'CN' },
    notes: PAYLOAD_MARKER,
  },
});

function values(span: OtlpSpan): unknown[] {
  return [...Object.values(span.attributes), ...span.events.flatMap((event) => Object.values(event.attributes))];
}

describe('tracing: one trace per webhook, exported over OTLP/HTTP', () => {
  const receiver = new OtlpReceiver();
  let stack: ApiStack;
  let signatures: string[];

  beforeAll(async () => {
    const endpoint = await receiver.start();
    stack = await startApiStack('tracing', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'flexport-webhooks-e2e', OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    signatures = Object.values(signatureHeaders(BODY, E2E_SECRETS.webhookSecret)).map((value) => value.replace(/^sha\d+=/, ''));
    expect(await stack.client.deliver(BODY)).toEqual({ eventId: EVENT_ID, status: 'queued' });
    await stack.client.settled(EVENT_ID, ['processed']);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  /** The spans of the webhook's trace, once the worker's transaction span has arrived. */
  async function webhookTrace(): Promise<OtlpSpan[]> {
    return waitFor(
      async () => {
        const intake = receiver.spans.find((span) => span.kind === SpanKind.Server && span.attributes['flexport.event.id'] === EVENT_ID);
        if (!intake) return undefined;
        const trace = receiver.spans.filter((span) => span.traceId === intake.traceId);
        return trace.some((span) => span.name === 'event transaction') ? trace : undefined;
      },
      { timeoutMs: 15_000, what: 'the webhook trace' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; spans received: ${JSON.stringify(receiver.spans.map((s) => [s.name, s.kind, s.attributes]))}`);
    });
  }

  it('puts the request, the enqueue, the job, its transaction and its SQL in one trace', async () => {
    const trace = await webhookTrace();
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const parentOf = (span: OtlpSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);

    const intake = trace.find((span) => span.kind === SpanKind.Server)!;
    expect(intake.attributes).toMatchObject({ 'flexport.event.id': EVENT_ID, 'flexport.intake.outcome': 'queued' });
    const enqueue = trace.find((span) => span.kind === SpanKind.Producer)!;
    expect(enqueue).toMatchObject({ name: 'add milestones.event' });
    expect(parentOf(enqueue)).toBe(intake);
    const job = trace.find((span) => span.kind === SpanKind.Consumer)!;
    expect(job).toMatchObject({ name: 'process milestones', attributes: expect.objectContaining({ 'flexport.event.id': EVENT_ID }) });
    expect(parentOf(job)).toBe(enqueue);
    const transaction = trace.find((span) => span.name === 'event transaction')!;
    expect(transaction.attributes['flexport.event.id']).toBe(EVENT_ID);
    expect(parentOf(transaction)).toBe(job);
    const sql = trace.filter((span) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql');
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.some((span) => parentOf(span) === transaction)).toBe(true);
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['flexport-webhooks-e2e']));
  });

  it('records no secret and no payload in any attribute', async () => {
    await webhookTrace();
    expect((await stack.client.get(`/events/${EVENT_ID}`)).status).toBe(200);
    await waitFor(
      async () =>
        receiver.spans.some((span) => String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').startsWith('/events/'))
          ? true
          : undefined,
      {
        what: 'the read request span',
      },
    );
    const secrets = [PAYLOAD_MARKER, E2E_SECRETS.webhookSecret, E2E_SECRETS.apiToken, E2E_SECRETS.adminPassword, ...signatures];
    for (const span of receiver.spans) {
      const text = JSON.stringify(values(span));
      for (const secret of secrets)
        expect({ span: span.name, leaks: text.includes(secret) ? secret : null }).toEqual({ span: span.name, leaks: null });
    }
    for (const body of receiver.rawBodies) for (const secret of secrets) expect(body.includes(secret)).toBe(false);
  });
});

describe('tracing off: without an OTLP endpoint nothing of OpenTelemetry is loaded', () => {
  /** The OpenTelemetry SDK modules a process has required after starting tracing and loading the API's code. */
  async function loadedSdkModules(env: Record<string, string>): Promise<string[]> {
    const script = `
      import { createRequire } from 'node:module';
      const { startTracing } = await import('./dist/libs/tracing/src/index.js');
      const tracing = await startTracing('api');
      await import('./dist/apps/api/src/bootstrap.js');
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .filter((path) => /node_modules\\/(@opentelemetry\\/(sdk-|instrumentation|exporter-)|bullmq-otel)/.test(path));
      await tracing.close();
      console.log(JSON.stringify(loaded));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[];
  }

  it('loads no SDK, exporter or instrumentation without OTEL_EXPORTER_OTLP_ENDPOINT, and loads them with it', async () => {
    expect(await loadedSdkModules({})).toEqual([]);
    // 127.0.0.1:9 (discard): nothing is exported in this check, only loaded.
    expect((await loadedSdkModules({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).length).toBeGreaterThan(0);
  }, 60_000);
});
