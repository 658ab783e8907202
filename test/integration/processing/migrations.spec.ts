import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATIONS, runPendingMigrations } from '@app/database';
import { createTestDatabase, TestDatabase } from '../../support/database.js';

describe('migrations at start', () => {
  let db: TestDatabase;
  const others: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    for (const other of others) if (other.isInitialized) await other.destroy();
    await db?.drop();
  });

  it('processes starting together apply every migration exactly once (advisory lock)', async () => {
    for (let i = 0; i < 4; i++) others.push(await new DataSource(buildDataSourceOptions(db.url, { poolSize: 3 })).initialize());
    const quiet = { log: () => undefined };
    const applied = await Promise.all([db.dataSource, ...others].map((source) => runPendingMigrations(source, quiet)));
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
    const rows = await db.dataSource.query('SELECT name FROM schema_migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('the schema the migrations build is the one the entities describe (nothing to generate)', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((query) => query.query)).toEqual([]);
  });
});
