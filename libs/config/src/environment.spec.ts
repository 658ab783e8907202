import { jest } from '@jest/globals';
import { ConfigurationError, DEVELOPMENT_DEFAULTS, loadAppConfig } from './environment.js';

const silent = { warn: jest.fn() } as never;

describe('loadAppConfig', () => {
  const production = {
    NODE_ENV: 'production',
    FLEXPORT_WEBHOOK_SECRETS: 's1',
    API_TOKEN: 'read-token-0123456789',
    ADMIN_API_TOKEN: 'admin-token-0123456789',
    ADMIN_PASSWORD: 'board-password-0123456789',
  };
  const signingSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it.each(['FLEXPORT_WEBHOOK_SECRETS', 'API_TOKEN', 'ADMIN_API_TOKEN', 'ADMIN_PASSWORD'])(
    'stops start-up in production without %s, naming it',
    (name) => {
      expect(() => loadAppConfig({ ...production, [name]: undefined }, silent)).toThrow(
        new ConfigurationError(`${name} is required when NODE_ENV=production`),
      );
      expect(() => loadAppConfig({ ...production, [name]: '  ' }, silent)).toThrow(name);
    },
  );

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
        NOTIFY_WEBHOOK_URLS: 'https://a.test/x,https://b.test',
        NOTIFY_SIGNING_SECRET: signingSecret,
      },
      silent,
    );
    expect(config.webhookSecrets).toEqual(['new', 'old']);
    expect(config.notifyWebhookUrls).toEqual(['https://a.test/x', 'https://b.test']);
  });

  it.each(['API_TOKEN', 'ADMIN_API_TOKEN', 'ADMIN_PASSWORD', 'METRICS_TOKEN'])(
    'stops start-up in production when %s is shorter than 16 characters, naming it',
    (name) => {
      expect(() => loadAppConfig({ ...production, METRICS_TOKEN: 'metrics-token-0123456789', [name]: 'x'.repeat(15) }, silent)).toThrow(
        new ConfigurationError(`${name} must be at least 16 characters when NODE_ENV=production`),
      );
      expect(() => loadAppConfig({ ...production, [name]: 'y'.repeat(16) }, silent)).not.toThrow();
    },
  );

  it.each([
    ['ADMIN_API_TOKEN', 'API_TOKEN', { ADMIN_API_TOKEN: production.API_TOKEN }],
    ['ADMIN_PASSWORD', 'API_TOKEN', { ADMIN_PASSWORD: production.API_TOKEN }],
    ['ADMIN_PASSWORD', 'ADMIN_API_TOKEN', { ADMIN_PASSWORD: production.ADMIN_API_TOKEN }],
    ['METRICS_TOKEN', 'ADMIN_API_TOKEN', { METRICS_TOKEN: production.ADMIN_API_TOKEN }],
  ])('stops start-up in production when %s equals %s', (name, twin, env) => {
    expect(() => loadAppConfig({ ...production, ...env }, silent)).toThrow(`${name} must differ from ${twin}`);
  });

  it('lets short development credentials through outside production', () => {
    expect(loadAppConfig({ API_TOKEN: 'a', ADMIN_API_TOKEN: 'a', ADMIN_PASSWORD: 'a' }, silent)).toMatchObject({ apiToken: 'a' });
  });

  describe('notifications', () => {
    it.each(['https://hooks.example.test/x', 'http://localhost:8080/x', 'http://127.0.0.1/x', 'http://[::1]:9/x'])(
      'accepts %s in production',
      (url) => {
        const config = loadAppConfig({ ...production, NOTIFY_WEBHOOK_URLS: url, NOTIFY_SIGNING_SECRET: signingSecret }, silent);
        expect(config.notifyWebhookUrls).toEqual([url]);
      },
    );

    it('refuses a plain http:// URL to another host in production, and allows it elsewhere', () => {
      const env = { NOTIFY_WEBHOOK_URLS: 'http://hooks.example.test/x', NOTIFY_SIGNING_SECRET: signingSecret };
      expect(() => loadAppConfig({ ...production, ...env }, silent)).toThrow(/NOTIFY_WEBHOOK_URLS: .*https/);
      expect(loadAppConfig(env, silent).notifyWebhookUrls).toEqual(['http://hooks.example.test/x']);
    });

    it.each([
      ['no whsec_ prefix', Buffer.alloc(32).toString('base64')],
      ['23 bytes', `whsec_${Buffer.alloc(23, 1).toString('base64')}`],
      ['65 bytes', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
      ['not base64', 'whsec_notify_development_only'],
    ])('refuses a signing secret with %s, naming NOTIFY_SIGNING_SECRET', (_label, value) => {
      expect(() => loadAppConfig({ NOTIFY_SIGNING_SECRET: value }, silent)).toThrow('NOTIFY_SIGNING_SECRET');
    });

    it('accepts 24 to 64 bytes after whsec_, and its development default satisfies the same rule', () => {
      for (const bytes of [24, 64]) {
        const value = `whsec_${Buffer.alloc(bytes, 3).toString('base64')}`;
        expect(loadAppConfig({ NOTIFY_SIGNING_SECRET: value }, silent).notifySigningSecret).toBe(value);
      }
      expect(loadAppConfig({}, silent).notifySigningSecret).toBe(DEVELOPMENT_DEFAULTS.NOTIFY_SIGNING_SECRET);
    });
  });

  it('applies the contract defaults', () => {
    expect(loadAppConfig(production, silent)).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'flexport',
      bodyLimitBytes: 1024 * 1024,
      notifyWebhookUrls: [],
      boardReadOnly: true,
      metricsToken: null,
      requestTimeoutMs: 15000,
      authFailuresPerMinute: 100,
      acceptSha1Signatures: true,
      seenTtlSeconds: 8 * 24 * 3600,
      eventPayloadRetentionDays: null,
    });
    expect(loadAppConfig({ ...production, BOARD_READ_ONLY: 'false', ACCEPT_SHA1_SIGNATURES: 'false' }, silent)).toMatchObject({
      boardReadOnly: false,
      acceptSha1Signatures: false,
    });
  });

  it('keeps every payload unless a retention is set (empty is unset)', () => {
    expect(loadAppConfig({ ...production, EVENT_PAYLOAD_RETENTION_DAYS: '' }, silent).eventPayloadRetentionDays).toBeNull();
    expect(loadAppConfig({ ...production, EVENT_PAYLOAD_RETENTION_DAYS: '90' }, silent).eventPayloadRetentionDays).toBe(90);
  });

  it('remembers events for the configured time, never less than the 7 days promised', () => {
    expect(loadAppConfig({ ...production, SEEN_TTL_SECONDS: '864000' }, silent).seenTtlSeconds).toBe(864000);
    expect(() => loadAppConfig({ ...production, SEEN_TTL_SECONDS: String(7 * 24 * 3600 - 1) }, silent)).toThrow('SEEN_TTL_SECONDS');
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
    [{ BOARD_READ_ONLY: 'yes' }, 'BOARD_READ_ONLY'],
    [{ ACCEPT_SHA1_SIGNATURES: '0' }, 'ACCEPT_SHA1_SIGNATURES'],
    [{ REQUEST_TIMEOUT_MS: '0' }, 'REQUEST_TIMEOUT_MS'],
    [{ AUTH_FAILURES_PER_MINUTE: 'many' }, 'AUTH_FAILURES_PER_MINUTE'],
    [{ EVENT_PAYLOAD_RETENTION_DAYS: '0' }, 'EVENT_PAYLOAD_RETENTION_DAYS'],
    [{ EVENT_PAYLOAD_RETENTION_DAYS: 'forever' }, 'EVENT_PAYLOAD_RETENTION_DAYS'],
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
