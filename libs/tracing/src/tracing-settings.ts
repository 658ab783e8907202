/** What starts tracing, read from the standard OpenTelemetry variables (their SDK reads the rest itself). */
export interface TracingSettings {
  endpoint: string;
  /** OTEL_SERVICE_NAME, else `flexport-webhooks`. */
  serviceName: string;
}

export class TracingConfigurationError extends Error {
  override name = 'TracingConfigurationError';
}

const DEFAULT_SERVICE_NAME = 'flexport-webhooks';

/**
 * Null unless an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT`, or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): without it nothing of OpenTelemetry is loaded. The SDK's own
 * off switches (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`) are honoured too. A malformed
 * endpoint stops start-up, naming the variable.
 */
export function tracingSettings(env: Record<string, string | undefined>): TracingSettings | null {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const endpoint = env[name]?.trim();
  if (!endpoint) return null;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TracingConfigurationError(`${name}: not a URL: ${endpoint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TracingConfigurationError(`${name}: OTLP/HTTP needs an http(s) URL, not ${url.protocol}`);
  }
  return { endpoint, serviceName: env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME };
}
