import { queryOnce } from '../support/scratch-database.js';
import { runSimulation } from '../../tools/simulate/index.js';
import { ApiStack, E2E_SECRETS, startApiStack } from '../support/api-stack.js';
import { testPoolerUrl } from '../support/database.js';
import { pgbouncerShow } from '../support/pgbouncer.js';
import { PROJECTION_TABLES } from '../support/projection-tables.js';

/** Transactions the run's PgBouncer has carried for one database. */
async function pooledTransactions(database: string): Promise<number> {
  const stats = await pgbouncerShow(testPoolerUrl()!, 'STATS');
  return Number(stats.find((row) => row.database === database)?.total_xact_count ?? 0);
}

/**
 * The deployment the docs describe for several machines: API and worker processes whose
 * DATABASE_URL is a PgBouncer in transaction-pooling mode, and DATABASE_DIRECT_URL the database.
 */
describe('API and worker behind PgBouncer (pool_mode = transaction)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('pgbouncer');
  }, 90_000);
  afterAll(() => stack?.stop());

  it('receives, processes, serves, replays and rebuilds with every query going through the pooler', async () => {
    const database = new URL(stack.db.url).pathname.slice(1);
    expect(new URL(stack.env.DATABASE_URL).port).toBe(new URL(testPoolerUrl()!).port);
    expect(stack.env.DATABASE_DIRECT_URL).toBe(stack.db.directUrl);
    const carriedBefore = await pooledTransactions(database);

    const summary = await runSimulation({
      url: `${stack.api.url}/webhooks/flexport`,
      secret: E2E_SECRETS.webhookSecret,
      apiToken: E2E_SECRETS.apiToken,
      shipments: 12,
      format: 'mixed',
      shuffle: true,
      duplicates: 0.3,
      seed: 1717,
      verify: true,
      timeoutMs: 60_000,
      progress: 'none',
    });
    expect(summary.verification?.mismatches ?? []).toEqual([]);
    expect(summary).toMatchObject({ non2xx: 0, errors: 0, quarantined: 0, ok: true });

    // Replays and rebuilds run in the background, each step one transaction, their locks transaction-scoped.
    const replay = await stack.client.adminRun('/admin/replay', { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
    expect(replay.status).toBe('succeeded');
    const rebuild = await stack.client.adminRun('/admin/rebuild');
    expect(rebuild).toMatchObject({ status: 'succeeded', error: null });
    const report = rebuild.progress as unknown as {
      events: number;
      projections: { table: string; before: number; after: number; unchanged: number }[];
    };
    expect(report.events).toBeGreaterThan(0);
    expect(report.projections.map((projection) => projection.table)).toEqual(expect.arrayContaining(PROJECTION_TABLES));
    for (const stats of report.projections) {
      expect(stats).toEqual({ table: stats.table, before: stats.before, after: stats.before, unchanged: stats.before });
    }

    // The pooler carried the service's transactions (the worker commits events in batches: fewer than one each).
    const carried = (await pooledTransactions(database)) - carriedBefore;
    expect(carried).toBeGreaterThan(0);
    const pool = (await pgbouncerShow(testPoolerUrl()!, 'POOLS')).find((row) => row.database === database)!;
    const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
      (sum, column) => sum + Number(pool[column] ?? 0),
      0,
    );
    process.stdout.write(
      `pgbouncer: ${summary.events} events (${summary.sent} deliveries), a replay and a rebuild in ${carried} pooled transactions; ` +
        `${Number(pool.cl_active) + Number(pool.cl_waiting)} client connections (API, worker, test) on ${servers} server connections at the end\n`,
    );
    // Nothing session-level is left on the server: no advisory lock outlives its transaction.
    const locks = await queryOnce<{ n: number }>(
      stack.db.directUrl,
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks[0].n).toBe(0);
  }, 120_000);
});
