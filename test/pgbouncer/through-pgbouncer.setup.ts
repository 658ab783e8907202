import { afterAll, beforeAll, expect } from '@jest/globals';
import { TEST_ADMIN_URL } from '../support/database.js';
import { PgBouncer } from '../support/pgbouncer.js';

/**
 * Each test file of this run starts its own PgBouncer before its tests and stops it after its
 * last hook (these hooks belong to the root block, so they enclose every `describe` of the file).
 * A file whose databases the pooler never carried a transaction for fails: it did not test this.
 */
let pgbouncer: PgBouncer | undefined;

beforeAll(async () => {
  const server = new URL(TEST_ADMIN_URL);
  pgbouncer = await PgBouncer.start({ serverHost: server.hostname, serverPort: Number(server.port || 5432) });
  process.env.TEST_DATABASE_POOLER_URL = pgbouncer.url('postgres');
});

afterAll(async () => {
  delete process.env.TEST_DATABASE_POOLER_URL;
  try {
    const stats = (await pgbouncer?.show('STATS')) ?? [];
    const carried = stats.filter((row) => row.database !== 'pgbouncer').reduce((sum, row) => sum + Number(row.total_xact_count), 0);
    expect(carried).toBeGreaterThan(0);
  } finally {
    await pgbouncer?.stop();
  }
});
