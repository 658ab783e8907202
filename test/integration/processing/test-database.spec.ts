import { createTestDatabase } from '../../support/database.js';
import { runPendingMigrations } from '@app/database';

describe('createTestDatabase', () => {
  it('creates a fresh database with every migration applied, and drops it', async () => {
    const db = await createTestDatabase();
    try {
      const tables = await db.dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      const names = tables.map((row: { table_name: string }) => row.table_name);
      expect(names).toEqual(expect.arrayContaining(['event_log', 'dead_letters', 'shipments', 'shipment_milestones']));
      expect(await runPendingMigrations(db.dataSource, { log: () => undefined })).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
