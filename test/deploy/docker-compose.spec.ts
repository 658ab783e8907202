import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/service-process.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(resolve(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const { services } = compose;

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
