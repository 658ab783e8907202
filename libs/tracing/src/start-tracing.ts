import type { Context, Link } from '@opentelemetry/api';
import { installTracing, SpanOptions, TraceParent, Tracing } from './spans.js';
import { tracingSettings } from './tracing-settings.js';

export interface RunningTracing {
  readonly enabled: boolean;
  /** Exports the spans still buffered and stops; the last thing a process closes. */
  close(): Promise<void>;
}

const OFF: RunningTracing = { enabled: false, close: async () => undefined };

/** Requests that would only add noise: probes and scrapes every few seconds. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured (see tracingSettings), else does
 * nothing and loads nothing. Call it first in a process's entry point and import the application
 * only afterwards (dynamically): the HTTP and pg instrumentations patch those modules as they are
 * first required (fastify, and TypeORM's `require('pg')`, are CommonJS), so they must not be loaded
 * yet. Spans go over OTLP/HTTP (JSON) to `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`: one trace per
 * webhook, from its request through BullMQ (bullmq-otel carries the context in the job) to the
 * worker's transaction and its SQL. No request headers, SQL parameters or job data are recorded.
 */
export async function startTracing(role: string, env: Record<string, string | undefined> = process.env): Promise<RunningTracing> {
  const settings = tracingSettings(env);
  if (!settings) return OFF;
  const [api, { NodeSDK }, { OTLPTraceExporter }, { HttpInstrumentation }, { PgInstrumentation }, { BullMQOtel }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('bullmq-otel'),
  ]);
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter: new OTLPTraceExporter(),
    // Traces only: metrics are Prometheus's (GET /metrics), logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? '') }),
      // Only SQL inside a trace (a webhook's job, a traced request): not the relay's sweeps or the scrapes.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  const tracer = api.trace.getTracer('flexport-webhooks');
  const spanContextOf = (parent: TraceParent) => api.trace.getSpanContext(parent as unknown as Context);
  const tracing: Tracing = {
    bullmq: new BullMQOtel({ tracerName: 'bullmq' }),
    annotate: (attributes) => api.trace.getActiveSpan()?.setAttributes(attributes),
    capture: () => api.context.active() as unknown as TraceParent,
    inSpan: (name, options: SpanOptions, work) => {
      const parent = options.parent ? (options.parent as unknown as Context) : api.context.active();
      const links: Link[] = [];
      for (const link of options.links ?? []) {
        const context = spanContextOf(link);
        if (context) links.push({ context });
      }
      const span = tracer.startSpan(name, { attributes: { ...options.attributes, 'flexport.role': role }, links }, parent);
      return api.context.with(api.trace.setSpan(parent, span), async () => {
        try {
          return await work();
        } catch (error) {
          // The error's name only: messages may quote what an event carried.
          span.setStatus({ code: api.SpanStatusCode.ERROR });
          span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
  };
  installTracing(tracing);
  return {
    enabled: true,
    close: async () => {
      installTracing(null);
      await sdk.shutdown();
    },
  };
}
