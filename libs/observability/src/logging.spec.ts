import type { IncomingMessage } from 'node:http';
import { loadAppConfig } from '@app/config';
import { requestIdOf, scrubSecretValues, scrubSensitiveKeys, secretValues } from './logging.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('requestIdOf', () => {
  it('keeps a sane X-Request-Id and remembers it on the request', () => {
    const req = request({ 'x-request-id': 'abc-123.def:ghi' });
    expect(requestIdOf(req)).toBe('abc-123.def:ghi');
    req.headers['x-request-id'] = 'changed';
    expect(requestIdOf(req)).toBe('abc-123.def:ghi');
  });

  it.each([['with spaces'], ['x'.repeat(129)], ['{"json":1}'], ['line\nbreak']])('replaces %j with a UUID', (header) => {
    expect(requestIdOf(request({ 'x-request-id': header }))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('scrubSensitiveKeys', () => {
  it('redacts string values of credential-like keys at any depth, and nothing else', () => {
    const scrubbed = scrubSensitiveKeys({
      msg: 'hello',
      headers: { authorization: 'Bearer x', 'X-Hub-Signature-256': 'sha256=ab', cookie: 'a=b', accept: '*/*' },
      nested: [{ apiToken: 't', password: 'p', clientSecret: 's' }],
      hasSignature256: true,
      bytes: 12,
    });
    expect(scrubbed).toEqual({
      msg: 'hello',
      headers: { authorization: '[redacted]', 'X-Hub-Signature-256': '[redacted]', cookie: '[redacted]', accept: '*/*' },
      nested: [{ apiToken: '[redacted]', password: '[redacted]', clientSecret: '[redacted]' }],
      hasSignature256: true,
      bytes: 12,
    });
  });
});

describe('secretValues and scrubSecretValues', () => {
  const config = loadAppConfig(
    {
      NODE_ENV: 'test',
      FLEXPORT_WEBHOOK_SECRETS: 'whsec_first_secret,whsec_"quoted"_secret',
      API_TOKEN: 'api-token-value-1',
      ADMIN_PASSWORD: 'short',
      DATABASE_URL: 'postgres://app:db-password-42@db:5432/app',
    },
    { warn: () => undefined } as never,
  );

  it('lists every configured secret of 8 characters or more, JSON-escaped too', () => {
    const values = secretValues(config);
    expect(values).toEqual(
      expect.arrayContaining([
        'whsec_first_secret',
        'whsec_"quoted"_secret',
        'whsec_\\"quoted\\"_secret',
        'api-token-value-1',
        'db-password-42',
      ]),
    );
    expect(values).not.toContain('short');
  });

  it("lists Flexport's API token and client secret, whichever is configured", () => {
    const withToken = loadAppConfig({ NODE_ENV: 'test', FLEXPORT_API_TOKEN: 'flexport-api-key-1' }, { warn: () => undefined } as never);
    const withOAuth = loadAppConfig(
      { NODE_ENV: 'test', FLEXPORT_CLIENT_ID: 'client-id', FLEXPORT_CLIENT_SECRET: 'flexport-client-secret-1' },
      { warn: () => undefined } as never,
    );
    expect(secretValues(withToken)).toContain('flexport-api-key-1');
    expect(secretValues(withOAuth)).toContain('flexport-client-secret-1');
  });

  it('lists the passwords of the direct database URL and of the cluster nodes', () => {
    const clustered = loadAppConfig(
      {
        NODE_ENV: 'test',
        DATABASE_DIRECT_URL: 'postgres://app:direct-password-7@db:5432/app',
        REDIS_CLUSTER_NODES: 'redis://svc:cluster-password-9@10.0.0.1:6379,redis://svc:cluster-password-9@10.0.0.2:6379',
        QUEUE_PREFIX: '{flexport}',
      },
      { warn: () => undefined } as never,
    );
    expect(secretValues(clustered)).toEqual(expect.arrayContaining(['direct-password-7', 'cluster-password-9']));
  });

  it('replaces them wherever they appear in a serialised line', () => {
    const line = JSON.stringify({ msg: 'oops api-token-value-1', detail: 'whsec_"quoted"_secret' });
    const scrubbed = scrubSecretValues(line, secretValues(config));
    expect(scrubbed).not.toContain('api-token-value-1');
    expect(scrubbed).not.toContain('quoted');
    expect(JSON.parse(scrubbed)).toEqual({ msg: 'oops [redacted]', detail: '[redacted]' });
  });
});

describe('scrubSensitiveKeys on class instances', () => {
  it('leaves class instances whole for their serialisers and still redacts plain objects', () => {
    class Socket {
      secret = 'kept-for-the-serialiser';
    }
    const socket = new Socket();
    const out = scrubSensitiveKeys({ req: socket, nested: { token: 'abc' } }) as { req: Socket; nested: { token: string } };
    expect(out.req).toBe(socket);
    expect(out.nested.token).toBe('[redacted]');
  });
});
