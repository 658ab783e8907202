import { jest } from '@jest/globals';
import { ConfigurationError, DEVELOPMENT_DEFAULTS, loadAppConfig } from './environment.js';

const silent = { warn: jest.fn() } as never;

describe('loadAppConfig', () => {
  const production = { NODE_ENV: 'production', FLEXPORT_WEBHOOK_SECRETS: 's1', API_TOKEN: 't', ADMIN_PASSWORD: 'p' };

  it.each(['FLEXPORT_WEBHOOK_SECRETS', 'API_TOKEN', 'ADMIN_PASSWORD'])('stops start-up in production without %s, naming it', (name) => {
    expect(() => loadAppConfig({ ...production, [name]: undefined }, silent)).toThrow(
      new ConfigurationError(`${name} is required when NODE_ENV=production`),
    );
    expect(() => loadAppConfig({ ...production, [name]: '  ' }, silent)).toThrow(name);
  });

  it('uses the documented development secret outside production, with a warning', () => {
    const logger = { warn: jest.fn() };
    const config = loadAppConfig({}, logger as never);
    expect(config.webhookSecrets).toEqual([DEVELOPMENT_DEFAULTS.FLEXPORT_WEBHOOK_SECRETS]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('FLEXPORT_WEBHOOK_SECRETS'));
  });

  it('splits comma-separated secrets and URLs, the first secret being current', () => {
    const config = loadAppConfig(
      {
        ...production,
        FLEXPORT_WEBHOOK_SECRETS: ' new , old ,',
        NOTIFY_WEBHOOK_URLS: 'http://a.test/x,https://b.test',
        NOTIFY_SIGNING_SECRET: 'n',
      },
      silent,
    );
    expect(config.webhookSecrets).toEqual(['new', 'old']);
    expect(config.notifyWebhookUrls).toEqual(['http://a.test/x', 'https://b.test']);
  });

  it('applies the contract defaults', () => {
    expect(loadAppConfig(production, silent)).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'flexport',
      bodyLimitBytes: 1024 * 1024,
      notifyWebhookUrls: [],
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NOTIFY_WEBHOOK_URLS: 'ftp://x' }, 'NOTIFY_WEBHOOK_URLS'],
    [{ WEBHOOK_BODY_LIMIT_BYTES: '-1' }, 'WEBHOOK_BODY_LIMIT_BYTES'],
  ])('rejects invalid values with a message naming the variable: %j', (env, name) => {
    expect(() => loadAppConfig({ ...production, ...env }, silent)).toThrow(name);
  });

  describe("reconciliation with Flexport's Events API", () => {
    it('is off without credentials, with the documented defaults', () => {
      expect(loadAppConfig(production, silent).reconciliation).toEqual({
        enabled: false,
        apiUrl: 'https://api.flexport.com',
        credentials: null,
        intervalS: 3600,
        lookbackS: 259200,
      });
    });

    it('is on with a static token or with both OAuth client values', () => {
      expect(loadAppConfig({ ...production, FLEXPORT_API_TOKEN: ' key ' }, silent).reconciliation).toMatchObject({
        enabled: true,
        credentials: { kind: 'token', token: 'key' },
      });
      expect(
        loadAppConfig({ ...production, FLEXPORT_CLIENT_ID: 'id', FLEXPORT_CLIENT_SECRET: 'secret' }, silent).reconciliation,
      ).toMatchObject({ enabled: true, credentials: { kind: 'oauth', clientId: 'id', clientSecret: 'secret' } });
    });

    it.each([
      [{ FLEXPORT_CLIENT_ID: 'id' }, 'FLEXPORT_CLIENT_SECRET is missing'],
      [{ FLEXPORT_CLIENT_SECRET: 'secret' }, 'FLEXPORT_CLIENT_ID is missing'],
      [{ FLEXPORT_API_TOKEN: 't', FLEXPORT_CLIENT_ID: 'id', FLEXPORT_CLIENT_SECRET: 's' }, 'FLEXPORT_API_TOKEN'],
      [{ FLEXPORT_API_URL: 'api.flexport.com' }, 'FLEXPORT_API_URL'],
      [{ FLEXPORT_API_URL: 'ftp://api.flexport.com' }, 'FLEXPORT_API_URL'],
      [{ FLEXPORT_API_URL: 'https://user:pw@api.flexport.com' }, 'FLEXPORT_API_URL'],
      [{ FLEXPORT_API_URL: 'https://api.flexport.com/?x=1' }, 'FLEXPORT_API_URL'],
      [{ FLEXPORT_API_URL: 'http://api.flexport.com' }, 'FLEXPORT_API_URL must be https'],
      [{ RECONCILE_INTERVAL_S: '0' }, 'RECONCILE_INTERVAL_S'],
      [{ RECONCILE_LOOKBACK_S: 'a day' }, 'RECONCILE_LOOKBACK_S'],
      [
        { RECONCILE_INTERVAL_S: '7200', RECONCILE_LOOKBACK_S: '3600' },
        'RECONCILE_LOOKBACK_S (3600) must be at least RECONCILE_INTERVAL_S (7200)',
      ],
    ])('stops start-up on an unusable setting, naming it: %j', (env, message) => {
      expect(() => loadAppConfig({ ...production, ...env }, silent)).toThrow(message);
    });

    it('allows plain http to a loopback host in production, and anywhere outside production', () => {
      for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010']) {
        expect(loadAppConfig({ ...production, FLEXPORT_API_URL: url }, silent).reconciliation.apiUrl).toBe(url.replace(/\/$/, ''));
      }
      expect(loadAppConfig({ NODE_ENV: 'test', FLEXPORT_API_URL: 'http://flexport.internal/api/' }, silent).reconciliation.apiUrl).toBe(
        'http://flexport.internal/api',
      );
    });
  });
});
