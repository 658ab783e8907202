import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { loadAppConfig } from '@app/config';
import { REPO_ROOT } from '../support/service-process.js';
import { interpolate, InterpolationError, parseDotEnv } from './compose-interpolation.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

type Compose = { services: Record<string, ComposeService> };

const composeText = readFileSync(resolve(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as Compose;
const { services } = compose;
const envExample = parseDotEnv(readFileSync(resolve(REPO_ROOT, '.env.example'), 'utf8'));
const PRODUCTION_SECRETS = ['FLEXPORT_WEBHOOK_SECRETS', 'API_TOKEN', 'ADMIN_API_TOKEN', 'ADMIN_PASSWORD'];

/** What `docker compose up` would do with this environment (shell variables and .env): the config, or why it refuses. */
function resolveCompose(env: Record<string, string>): { compose: Compose } | { missing: string[] } {
  const missing: string[] = [];
  const resolved = interpolate(compose, env, (error: InterpolationError) => missing.push(error.variable)) as Compose;
  return missing.length > 0 ? { missing: [...new Set(missing)].sort() } : { compose: resolved };
}

const filledIn = {
  FLEXPORT_WEBHOOK_SECRETS: 'flexport-signing-secret',
  API_TOKEN: 'read-token-5f0c9e2a7b1d',
  ADMIN_API_TOKEN: 'admin-token-0b8d3f6a2c9e',
  ADMIN_PASSWORD: 'board-password-7e1a4c0d',
};

/** The TypeScript source a compiled `dist/...js` entry comes from. */
const sourceOf = (entry: string) => resolve(REPO_ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

describe('docker-compose.yml', () => {
  it('runs postgres, redis, api and worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('persists Redis with AOF on every write and never evicts jobs', () => {
    const command = services.redis.command!.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--appendfsync (always|everysec)/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, test: service.healthcheck?.test?.length ?? 0 }).toEqual({ name, test: expect.any(Number) });
      expect(service.healthcheck?.test?.length).toBeGreaterThan(1);
    }
  });

  it('starts api and worker only once postgres and redis are healthy', () => {
    for (const role of ['api', 'worker']) {
      expect(services[role].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('points api and worker at the compose postgres and redis, and at entry points that exist', () => {
    for (const role of ['api', 'worker']) {
      const service = services[role];
      expect(service.build).toBeDefined();
      expect(service.environment).toMatchObject({
        DATABASE_URL: expect.stringContaining('@postgres:5432/'),
        REDIS_URL: 'redis://redis:6379',
      });
      const entry = service.command!.find((part) => part.startsWith('dist/'))!;
      expect(entry).toBe(`dist/apps/${role}/src/main.js`);
      expect(existsSync(sourceOf(entry))).toBe(true);
    }
    const workerCheck = services.worker.healthcheck!.test.find((part) => part.startsWith('dist/'));
    if (workerCheck) expect(existsSync(sourceOf(workerCheck))).toBe(true);
  });

  describe('with no .env (and with .env.example copied as it is)', () => {
    it.each([
      ['no .env', {}],
      ['.env.example unchanged', envExample],
    ])('refuses to start, naming every missing production secret: %s', (_label, env) => {
      expect(resolveCompose(env)).toEqual({ missing: PRODUCTION_SECRETS.slice().sort() });
    });

    it('names the one secret still missing', () => {
      expect(resolveCompose({ ...filledIn, ADMIN_API_TOKEN: '' })).toEqual({ missing: ['ADMIN_API_TOKEN'] });
    });
  });

  describe('with the secrets filled in', () => {
    const resolved = () => {
      const result = resolveCompose({ ...envExample, ...filledIn });
      if (!('compose' in result)) throw new Error(`compose refused: ${result.missing.join(', ')}`);
      return result.compose.services;
    };

    it('runs api and worker in production, with the configuration the service accepts', () => {
      for (const role of ['api', 'worker']) {
        const environment = resolved()[role].environment!;
        expect(environment.NODE_ENV).toBe('production');
        expect(environment.BOARD_READ_ONLY).toBe('true');
        const config = loadAppConfig(environment, { warn: () => undefined } as never);
        expect(config).toMatchObject({ env: 'production', apiToken: filledIn.API_TOKEN, adminApiToken: filledIn.ADMIN_API_TOKEN });
      }
    });

    it('passes a too-short token through to the service, which refuses to start naming it', () => {
      const result = resolveCompose({ ...filledIn, API_TOKEN: 'short' });
      const environment = (result as { compose: Compose }).compose.services.api.environment!;
      expect(() => loadAppConfig(environment, { warn: () => undefined } as never)).toThrow('API_TOKEN must be at least 16 characters');
    });

    it('publishes the API on the loopback interface unless API_BIND_ADDRESS says otherwise', () => {
      expect(resolved().api.ports).toEqual(['127.0.0.1:3000:3000']);
      const open = resolveCompose({ ...filledIn, API_BIND_ADDRESS: '0.0.0.0' }) as { compose: Compose };
      expect(open.compose.services.api.ports).toEqual(['0.0.0.0:3000:3000']);
    });
  });

  it('documents in .env.example every variable the compose file reads', () => {
    const read = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]));
    expect([...read].filter((name) => !(name in envExample))).toEqual([]);
  });

  it('keeps .env files out of the image', () => {
    const ignored = readFileSync(resolve(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', '**/.env']));
  });

  it('tells README readers to copy .env.example before docker compose up', () => {
    const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/cp \.env\.example \.env[^\n]*\n?[^\n]*docker compose up/);
  });

  it('publishes the API port and checks its liveness route', () => {
    expect(services.api.ports).toEqual([expect.stringMatching(/:3000$/)]);
    expect(services.api.healthcheck!.test.join(' ')).toContain('/health/live');
  });

  it('builds an image whose default command is the all-in-one server', () => {
    const dockerfile = readFileSync(resolve(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toContain('CMD ["node", "dist/apps/server/src/main.js"]');
    expect(existsSync(sourceOf('dist/apps/server/src/main.js'))).toBe(true);
  });
});
