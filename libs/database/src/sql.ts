import type { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows, whatever the statement: TypeORM's plain `query()` answers
 * UPDATE … RETURNING with `[rows, count]` but INSERT … RETURNING with `rows`.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** Times leave the service as ISO-8601 UTC strings; a missing time as null. */
export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/**
 * Distinct keys in the one order every transaction locks rows in (JavaScript string order), so
 * that transactions locking overlapping sets of rows wait for each other instead of deadlocking.
 */
export function lockOrder(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort();
}
