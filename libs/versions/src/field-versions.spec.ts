import { claim, claimDetails, nextRow, VersionedRow } from './field-versions.js';
import type { EventVersion } from './event-version.js';

interface Row extends VersionedRow {
  id: string;
  status: string;
  note: string | null;
  details: Record<string, unknown>;
}

const at = (occurredAt: string, eventId = `e-${occurredAt}`): EventVersion => ({ occurredAt, name: null, eventId });
const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-02T00:00:00.000Z';
const create = () => ({ id: 'R1', status: 'new', note: null, details: {} });
const apply = (
  current: Row | null,
  version: EventVersion,
  fields: { status?: string; note?: string | null; details?: Record<string, unknown> },
) =>
  nextRow<Row>(current, create, version, (row) =>
    [
      claim(row, 'status', fields.status, version),
      claim(row, 'note', fields.note, version),
      claimDetails(row, fields.details ?? {}, version),
    ].includes(true),
  );

describe('nextRow and field claims', () => {
  it('creates a row from the first event, stamped with its occurredAt', () => {
    expect(apply(null, at(T1), { status: 'open' })).toEqual({
      id: 'R1',
      status: 'open',
      note: null,
      details: {},
      lastEventAt: new Date(T1),
      versions: { status: at(T1) },
    });
  });

  it('returns the very row it was given when the event changes nothing', () => {
    const row = apply(null, at(T2), { status: 'open', details: { a: 1 } });
    expect(apply(row, at(T1), { status: 'closed', details: { a: 2 } })).toBe(row);
    expect(apply(row, at(T2), { status: 'open', details: { a: 1 } })).toBe(row);
  });

  it('never mutates the row it was given, its versions and details included', () => {
    const row = apply(null, at(T1), { status: 'open', details: { a: 1 } });
    const copy = structuredClone(row);
    const next = apply(row, at(T2), { status: 'closed', details: { a: 2, b: 3 } });
    expect(row).toEqual(copy);
    expect(next).toMatchObject({ status: 'closed', details: { a: 2, b: 3 }, lastEventAt: new Date(T2) });
  });

  it('treats undefined as "not mentioned" and null as a value', () => {
    const row = apply(null, at(T1), { status: 'open', note: 'kept' });
    expect(apply(row, at(T2), { note: undefined }).note).toBe('kept');
    expect(apply(row, at(T2), { note: null }).note).toBeNull();
  });

  it('moves lastEventAt forward even when an older field value is not taken', () => {
    const row = apply(null, at(T2), { status: 'open' });
    const later = apply(row, at('2026-01-03T00:00:00.000Z'), {});
    expect(later).not.toBe(row);
    expect(later.lastEventAt).toEqual(new Date('2026-01-03T00:00:00.000Z'));
  });

  it('keeps a free field called __proto__ as an own field, without touching the prototype', () => {
    const details = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const row = apply(null, at(T1), { details });
    expect(Object.prototype.hasOwnProperty.call(row.details, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(row.details)).toBe(Object.prototype);
  });
});
