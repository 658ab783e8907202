import { OPEN_DEAD_LETTER_COUNTS_SQL } from '@app/processing';
import { createTestDatabase, TestDatabase } from '../../support/database.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe('the dead-letter counts of a /metrics scrape', () => {
  let db: TestDatabase;
  const RESOLVED = 100_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Years of history: many resolved entries (kept forever), a few open ones.
    await db.dataSource.query(
      `INSERT INTO dead_letters (event_id, reason, last_error, received_at, dead_lettered_at, resolved_at, payload)
       SELECT 'evt_old_' || i, 'retries_exhausted', 'connection refused', now(), now(), now(), '{"x": "${'y'.repeat(200)}"}'::jsonb
         FROM generate_series(1, ${RESOLVED}) AS i`,
    );
    await db.dataSource.query(
      `INSERT INTO dead_letters (event_id, reason, received_at, dead_lettered_at)
       SELECT 'evt_open_' || i, CASE WHEN i % 2 = 0 THEN 'invalid_event' ELSE 'retries_exhausted' END, now(), now()
         FROM generate_series(1, 25) AS i`,
    );
    await db.dataSource.query('VACUUM ANALYZE dead_letters');
  }, 120_000);
  afterAll(() => db?.drop());

  const explain = async () => {
    const [
      {
        'QUERY PLAN': [result],
      },
    ] = await db.dataSource.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${OPEN_DEAD_LETTER_COUNTS_SQL}`);
    return result as { Plan: PlanNode; 'Execution Time': number };
  };

  it('counts only the open entries', async () => {
    expect(await db.dataSource.query(`${OPEN_DEAD_LETTER_COUNTS_SQL} ORDER BY reason`)).toEqual([
      { reason: 'invalid_event', n: 12 },
      { reason: 'retries_exhausted', n: 13 },
    ]);
  });

  it('reads them from the partial index, never the whole table, and touches a few pages', async () => {
    const { Plan: plan } = await explain();
    const scans = nodes(plan).filter((node) => node['Relation Name'] === 'dead_letters');
    expect(scans.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(scans.map((node) => node['Index Name'])).toEqual(['idx_dead_letters_open']);
    const [{ pages }] = await db.dataSource.query(`SELECT relpages AS pages FROM pg_class WHERE relname = 'dead_letters'`);
    const touched = nodes(plan).reduce((sum, node) => sum + node['Shared Hit Blocks'] + node['Shared Read Blocks'], 0);
    // The table has thousands of pages; the scrape reads the index's handful.
    expect(pages).toBeGreaterThan(1000);
    expect(touched).toBeLessThan(20);
  });
});
