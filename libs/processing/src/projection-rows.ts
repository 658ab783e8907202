import { EntityManager, EntityMetadata, EntityTarget, FindOptionsWhere, In, ObjectLiteral } from 'typeorm';
import { lockOrder, queryRows } from '@app/database';

/**
 * The next state of one projection row given its current state (null: the row does not exist yet).
 * Returns `current` itself when the event changes nothing, which saves the UPDATE.
 */
export type RowReducer<E> = (current: E | null, key: string) => Partial<E>;

/** One event's change to a projection: the rows it touches and how. */
export interface RowChange<E> {
  keys: readonly string[];
  reduce: RowReducer<E>;
}

/**
 * Applies the changes of many events, in the order given, to a projection in at most three statements:
 * one INSERT walks every key in lockOrder, inserting the rows that do not exist yet (as the first
 * change to touch them makes them) and locking the others (ON CONFLICT DO UPDATE … WHERE false locks
 * without writing); one SELECT reads the locked rows; the remaining changes are reduced in memory and
 * one UPDATE writes back the rows that changed. Locks are taken in one pass in key order, so two
 * transactions touching the same rows wait for each other instead of deadlocking. Columns with
 * transformers are not supported.
 */
export async function applyChangesToRows<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  keyProperty: keyof E & string,
  changes: readonly RowChange<E>[],
): Promise<void> {
  const repository = manager.getRepository(target);
  const { metadata } = repository;
  const keyColumn = metadata.findColumnWithPropertyName(keyProperty);
  if (!keyColumn?.isPrimary) throw new Error(`${keyProperty} is not the primary key of ${metadata.tableName}`);
  if (metadata.primaryColumns.length !== 1) throw new Error(`${metadata.tableName} has a composite primary key`);
  // The database stamps when a row was created and last written; the reducer's copy of them is stale.
  const columns = metadata.columns.filter((column) => !column.isCreateDate && !column.isUpdateDate);
  const transformed = columns.find((column) => column.transformer);
  if (transformed) throw new Error(`applyChangesToRows: column ${transformed.databaseName} has a transformer`);

  const perChange = changes.map((change) => [...new Set(change.keys)]);
  const keys = lockOrder(perChange.flat());
  if (keys.length === 0) return;

  // For each key, the row the first change to touch it would create; it is inserted only if missing.
  const created = new Map<string, { state: Partial<E>; by: number }>();
  perChange.forEach((changeKeys, index) => {
    for (const key of changeKeys) if (!created.has(key)) created.set(key, { state: changes[index].reduce(null, key), by: index });
  });

  const table = quotedTable(manager, metadata.schema, metadata.tableName);
  const key = quoted(manager, keyColumn.databaseName);
  const names = columns.map((column) => quoted(manager, column.databaseName)).join(', ');
  const inserted = await queryRows<{ key: string }>(
    manager,
    `INSERT INTO ${table} (${names})
     SELECT ${columns.map((column) => `r.${quoted(manager, column.databaseName)}`).join(', ')}
       FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) WITH ORDINALITY AS r
      ORDER BY r.ordinality
     ON CONFLICT (${key}) DO UPDATE SET ${key} = EXCLUDED.${key} WHERE false
     RETURNING ${key} AS key`,
    [
      jsonRows(
        columns,
        keys.map((k) => ({ ...created.get(k)?.state, [keyProperty]: k }) as Partial<E>),
      ),
    ],
  );
  const insertedKeys = new Set(inserted.map((row) => row.key));

  const current = new Map<string, Partial<E>>();
  for (const k of insertedKeys) current.set(k, created.get(k)?.state as Partial<E>);
  const existing = keys.filter((k) => !insertedKeys.has(k));
  if (existing.length > 0) {
    // Already locked by the INSERT above: a plain read sees their latest committed state.
    const rows = await repository.find({ where: { [keyProperty]: In(existing) } as FindOptionsWhere<E> });
    for (const row of rows) current.set(row[keyProperty] as string, row);
  }

  const changed = new Set<string>();
  perChange.forEach((changeKeys, index) => {
    for (const k of changeKeys) {
      if (insertedKeys.has(k) && created.get(k)?.by === index) continue;
      const before = current.get(k);
      if (before === undefined) throw new Error(`${metadata.tableName} row ${k} vanished`);
      const next = changes[index].reduce(before as E, k);
      if (next === before) continue;
      current.set(k, { ...before, ...next });
      changed.add(k);
    }
  });
  if (changed.size === 0) return;

  const updateDate = metadata.updateDateColumn ? `, ${quoted(manager, metadata.updateDateColumn.databaseName)} = now()` : '';
  const assignments = columns
    .filter((column) => column !== keyColumn)
    .map((column) => `${quoted(manager, column.databaseName)} = r.${quoted(manager, column.databaseName)}`)
    .join(', ');
  await queryRows(
    manager,
    `UPDATE ${table} AS t SET ${assignments}${updateDate}
       FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) AS r
      WHERE t.${key} = r.${key}`,
    [
      jsonRows(
        columns,
        lockOrder(changed).map((k) => current.get(k) as Partial<E>),
      ),
    ],
  );
}

/** Rows as JSON objects keyed by column name, for jsonb_populate_recordset (JSON null: SQL NULL). */
function jsonRows<E extends ObjectLiteral>(columns: readonly EntityMetadata['columns'][number][], states: readonly Partial<E>[]): string {
  return JSON.stringify(
    states.map((state) => {
      const row: Record<string, unknown> = {};
      for (const column of columns) row[column.databaseName] = column.getEntityValue(state) ?? null;
      return row;
    }),
  );
}

function quoted(manager: EntityManager, name: string): string {
  return manager.connection.driver.escape(name);
}

function quotedTable(manager: EntityManager, schema: string | undefined, table: string): string {
  return schema ? `${quoted(manager, schema)}.${quoted(manager, table)}` : quoted(manager, table);
}
