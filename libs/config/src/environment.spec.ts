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

  it('uses DATABASE_URL for migrations too unless DATABASE_DIRECT_URL names a direct connection', () => {
    expect(loadAppConfig({ ...production, DATABASE_URL: 'postgres://pgbouncer:6432/app' }, silent).databaseDirectUrl).toBe(
      'postgres://pgbouncer:6432/app',
    );
    const config = loadAppConfig(
      { ...production, DATABASE_URL: 'postgres://pgbouncer:6432/app', DATABASE_DIRECT_URL: 'postgres://db:5432/app' },
      silent,
    );
    expect(config).toMatchObject({ databaseUrl: 'postgres://pgbouncer:6432/app', databaseDirectUrl: 'postgres://db:5432/app' });
  });

  describe('Redis Cluster (REDIS_CLUSTER_NODES)', () => {
    const cluster = { ...production, QUEUE_PREFIX: '{flexport}' };

    it('runs on one Redis unless REDIS_CLUSTER_NODES is set', () => {
      expect(loadAppConfig(production, silent).redisCluster).toBeNull();
    });

    it('reads host:port seeds, and credentials and TLS from redis:// or rediss:// seeds', () => {
      expect(loadAppConfig({ ...cluster, REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,' }, silent).redisCluster).toEqual({
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
        ],
        username: undefined,
        password: undefined,
        tls: false,
      });
      const secured = loadAppConfig(
        { ...cluster, REDIS_CLUSTER_NODES: 'rediss://app:p%40ss@redis-a.internal:6380,rediss://app:p%40ss@[::1]:6381' },
        silent,
      ).redisCluster;
      expect(secured).toEqual({
        nodes: [
          { host: 'redis-a.internal', port: 6380 },
          { host: '::1', port: 6381 },
        ],
        username: 'app',
        password: 'p@ss',
        tls: true,
      });
    });

    it.each(['{flexport}', 'prod-{flexport}', '{a}b'])('accepts the hash-tag prefix %s', (prefix) => {
      expect(loadAppConfig({ ...cluster, QUEUE_PREFIX: prefix, REDIS_CLUSTER_NODES: '10.0.0.1:7000' }, silent).queuePrefix).toBe(prefix);
    });

    it.each(['flexport', '{}flexport', 'flex}{port', '{flexport'])(
      'refuses to start with QUEUE_PREFIX=%s, which is no hash tag',
      (prefix) => {
        expect(() => loadAppConfig({ ...cluster, QUEUE_PREFIX: prefix, REDIS_CLUSTER_NODES: '10.0.0.1:7000' }, silent)).toThrow(
          /^QUEUE_PREFIX must hold a Redis hash tag/,
        );
      },
    );

    it.each([
      ['10.0.0.1', 'needs a host and a port'],
      ['http://10.0.0.1:7000', 'not a redis:// or rediss:// URL'],
      ['redis://10.0.0.1:7000/3', 'no database number'],
      ['redis://a:x@10.0.0.1:7000,redis://a:y@10.0.0.2:7000', 'same scheme and credentials'],
      [' , ', 'lists no node'],
    ])('refuses REDIS_CLUSTER_NODES=%j, naming the variable', (nodes, reason) => {
      expect(() => loadAppConfig({ ...cluster, REDIS_CLUSTER_NODES: nodes }, silent)).toThrow(`REDIS_CLUSTER_NODES: `);
      expect(() => loadAppConfig({ ...cluster, REDIS_CLUSTER_NODES: nodes }, silent)).toThrow(reason);
    });

    it('refuses REDIS_URL and REDIS_CLUSTER_NODES together', () => {
      expect(() => loadAppConfig({ ...cluster, REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_URL: 'redis://10.0.0.9:6379' }, silent)).toThrow(
        /REDIS_URL and REDIS_CLUSTER_NODES are both set/,
      );
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
});
