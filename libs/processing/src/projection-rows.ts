import { EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere, In, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';

/**
 * The next state of one projection row given its current state (null: the row does not exist yet).
 * Returns `current` itself when the event changes nothing, which saves the UPDATE.
 */
export type RowReducer<E> = (current: E | null, key: string) => Partial<E>;

/**
 * Applies an event to the projection rows `keys` (the values of the primary-key property `keyProperty`)
 * without losing a concurrent update: new rows are inserted with ON CONFLICT DO NOTHING, rows that
 * already exist are read with SELECT … FOR UPDATE, reduced and written back. Keys are handled in
 * sorted order so that two transactions touching the same rows take their locks in the same order.
 */
export async function applyToRows<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  keyProperty: keyof E & string,
  keys: readonly string[],
  reduce: RowReducer<E>,
): Promise<void> {
  const repository = manager.getRepository(target);
  const column = repository.metadata.findColumnWithPropertyName(keyProperty);
  if (!column?.isPrimary) throw new Error(`${keyProperty} is not the primary key of ${repository.metadata.tableName}`);
  const { createDateColumn, updateDateColumn } = repository.metadata;
  // The database stamps when a row was created and last written; the reducer's copy of them is stale.
  const writable = (state: Partial<E>): QueryDeepPartialEntity<E> => {
    const values: Record<string, unknown> = { ...state };
    if (createDateColumn) delete values[createDateColumn.propertyName];
    if (updateDateColumn) delete values[updateDateColumn.propertyName];
    return values as QueryDeepPartialEntity<E>;
  };
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;

  const inserted = await repository
    .createQueryBuilder()
    .insert()
    .values(sorted.map((key) => writable(reduce(null, key))))
    .orIgnore()
    .returning([column.databaseName])
    .updateEntity(false)
    .execute();
  const created = new Set((inserted.raw as Record<string, string>[]).map((row) => row[column.databaseName]));
  const existing = sorted.filter((key) => !created.has(key));
  if (existing.length === 0) return;

  const rows = await repository.find({
    where: { [keyProperty]: In(existing) } as FindOptionsWhere<E>,
    order: { [keyProperty]: 'ASC' } as FindOptionsOrder<E>,
    lock: { mode: 'pessimistic_write' },
  });
  for (const row of rows) {
    const next = reduce(row, row[keyProperty] as string);
    if (next === row) continue;
    await repository.update({ [keyProperty]: row[keyProperty] } as FindOptionsWhere<E>, writable(next));
  }
}
