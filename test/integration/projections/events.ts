import { DataSource } from 'typeorm';
import { Envelope, normalizeEvent, NormalizedEvent } from '@app/flexport';
import { EventHandler } from '@app/processing';
import { compareVersions, versionOf } from '@app/versions';

let sequence = 0;

export interface EventOptions {
  id?: string;
  occurredAt: string;
}

/** A compact-envelope event, normalised exactly as the pipeline would normalise it. */
export function compactEvent(type: string, data: Record<string, unknown>, options: EventOptions): NormalizedEvent {
  const id = options.id ?? `evt_${String(++sequence).padStart(6, '0')}`;
  const envelope: Envelope = { id, type, created_at: options.occurredAt, data: { ...data, occurred_at: options.occurredAt } };
  return normalizeEvent(envelope, id, '2026-01-01T00:00:00.000Z');
}

/** A Flexport v2 event (`/event` envelope), normalised exactly as the pipeline would normalise it. */
export function v2Event(type: string, data: Record<string, unknown>, options: EventOptions): NormalizedEvent {
  const id = options.id ?? `${++sequence}`;
  const envelope: Envelope = {
    _object: '/event',
    id,
    version: 2,
    type,
    created_at: options.occurredAt,
    occurred_at: options.occurredAt,
    data,
  };
  return normalizeEvent(envelope, id, '2026-01-01T00:00:00.000Z');
}

/** Applies each event in its own transaction, one after the other, as one worker would. */
export async function applyInTurn(dataSource: DataSource, handler: EventHandler, events: readonly NormalizedEvent[]): Promise<void> {
  for (const event of events) await dataSource.transaction((manager) => handler.apply(manager, event));
}

/** Applies the events from `concurrency` transactions at once, each taking the next event when it commits. */
export async function applyConcurrently(
  dataSource: DataSource,
  handler: EventHandler,
  events: readonly NormalizedEvent[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++];
      await dataSource.transaction((manager) => handler.apply(manager, event));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Applies the events as the batched pipeline does: in batches of `batchSize` (distinct events each),
 * each batch through `applyBatch` in its own transaction, `parallel` transactions at once.
 */
export async function applyInParallelBatches(
  dataSource: DataSource,
  handler: EventHandler,
  events: readonly NormalizedEvent[],
  { batchSize, parallel }: { batchSize: number; parallel: number },
): Promise<void> {
  const applyBatch = handler.applyBatch?.bind(handler);
  if (!applyBatch) throw new Error(`${handler.constructor.name} has no applyBatch`);
  const batches: NormalizedEvent[][] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    batches.push([...new Map(events.slice(i, i + batchSize).map((event) => [event.eventId, event])).values()]);
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      await dataSource.transaction((manager) => applyBatch(manager, batch));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Every row of a projection table, without the times rows were written: the state the events define. */
export async function tableState(dataSource: DataSource, table: string, key: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(`SELECT * FROM "${table}" ORDER BY ${key}`);
  return rows.map(({ created_at: _created, updated_at: _updated, recorded_at: _recorded, ...state }) => state);
}

/** Events in the order of their versions: the order in which they happened. */
export function inVersionOrder(events: readonly NormalizedEvent[]): NormalizedEvent[] {
  return [...events].sort((a, b) => compareVersions(versionOf(a), versionOf(b)));
}

export async function truncate(dataSource: DataSource, table: string): Promise<void> {
  await dataSource.query(`TRUNCATE "${table}"`);
}

/** A deterministic shuffle (mulberry32), so that a failing order can be reproduced from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}
