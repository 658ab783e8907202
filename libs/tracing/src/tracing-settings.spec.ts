import { TracingConfigurationError, tracingSettings } from './tracing-settings.js';

describe('tracingSettings', () => {
  it('is off without an OTLP endpoint', () => {
    expect(tracingSettings({})).toBeNull();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ', OTEL_SERVICE_NAME: 'x' })).toBeNull();
  });

  it('is on with the standard endpoint, or the traces-only one, named by OTEL_SERVICE_NAME', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'fw-eu' })).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'fw-eu',
    });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' })).toEqual({
      endpoint: 'https://collector/v1/traces',
      serviceName: 'flexport-webhooks',
    });
  });

  it("honours the SDK's own off switches", () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
  });

  it('stops start-up on a malformed endpoint, naming the variable', () => {
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318/x y' })).toThrow(TracingConfigurationError);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
