/**
 * The little the service asks of tracing, as plain functions that do nothing (and load nothing)
 * until `startTracing` has installed OpenTelemetry: so the rest of the code needs no OpenTelemetry
 * import, and a process without an OTLP endpoint pays one null check per call.
 */
export type SpanAttributes = Record<string, string | number | boolean | string[]>;

/** The trace context where work was handed over (a queue job), for a span started later, elsewhere. */
export interface TraceParent {
  readonly traceParent: unique symbol;
}

export interface SpanOptions {
  attributes?: SpanAttributes;
  /** The span's parent; by default the active span. */
  parent?: TraceParent;
  /** Other work the span does too (the other jobs of a batch transaction). */
  links?: readonly TraceParent[];
}

/** What `startTracing` installs. */
export interface Tracing {
  /** BullMQ's `telemetry` option (a bullmq-otel instance). */
  readonly bullmq: unknown;
  annotate(attributes: SpanAttributes): void;
  capture(): TraceParent;
  inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T>;
}

let installed: Tracing | null = null;

export function installTracing(tracing: Tracing | null): void {
  installed = tracing;
}

/** Whether spans are being recorded: lets a hot path skip building attributes nobody reads. */
export function isTracing(): boolean {
  return installed !== null;
}

/** BullMQ's `telemetry` option for queues and workers, or undefined when tracing is off. */
export function bullmqTelemetry<T>(): T | undefined {
  return (installed?.bullmq as T | undefined) ?? undefined;
}

/** Adds attributes to the active span (the webhook's request, the job). Never a secret or a payload. */
export function annotateSpan(attributes: SpanAttributes): void {
  installed?.annotate(attributes);
}

/** The active trace context, to parent or link spans started later; undefined when tracing is off. */
export function captureTraceParent(): TraceParent | undefined {
  return installed?.capture();
}

/** Runs `work` in a span of its own (when tracing is on). */
export function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  return installed ? installed.inSpan(name, options, work) : work();
}
