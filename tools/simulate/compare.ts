import { TRANSIT_FIELDS } from '@app/flexport';
import type { ExpectedShipment, ExpectedWorld } from './expected-world.js';

export type EntityKind = 'shipment' | 'timeline' | 'booking' | 'purchase order' | 'invoice' | 'document' | 'container';

export interface Mismatch {
  entity: EntityKind;
  id: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** One entity to fetch from the read API and how to judge the answer. */
export interface EntityCheck {
  entity: EntityKind;
  id: string;
  path: string;
  compare(actual: Record<string, unknown>): Mismatch[];
}

type Same = (expected: unknown, actual: unknown) => boolean;

const ABSENT = undefined;

const sameValue: Same = (expected, actual) => expected === actual || (expected === null && actual === ABSENT);

/** Ids may come back as strings or, for Flexport's integers, as numbers. */
const sameId: Same = (expected, actual) => sameValue(expected, actual) || (typeof actual === 'number' && String(actual) === expected);

/** ISO instants compare as instants: `…:00Z` and `…:00.000Z` are the same time. */
const sameTime: Same = (expected, actual) =>
  sameValue(expected, actual) ||
  (typeof expected === 'string' && typeof actual === 'string' && Date.parse(expected) === Date.parse(actual));

const sameDate: Same = (expected, actual) =>
  sameValue(expected, actual) ||
  (typeof expected === 'string' &&
    typeof actual === 'string' &&
    /^\d{4}-\d{2}-\d{2}(T00:00:00(\.0+)?Z)?$/.test(actual) &&
    actual.slice(0, 10) === expected);

export function canonicalDecimal(value: string): string | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const integer = match[2].replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return `${match[1]}${integer}${fraction ? `.${fraction}` : ''}`;
}

/** Money is a decimal string (never a JSON number); `18422.070` equals `18422.07`. */
const sameAmount: Same = (expected, actual) =>
  (expected === null && sameValue(expected, actual)) ||
  (typeof expected === 'string' && typeof actual === 'string' && canonicalDecimal(expected) === canonicalDecimal(actual));

/** `{amount, currency}`, or null. */
const sameMoney: Same = (expected, actual) => {
  if (expected === null || actual === null || actual === ABSENT) return sameValue(expected, actual);
  if (typeof actual !== 'object') return false;
  const e = expected as { amount: unknown; currency: unknown };
  const a = actual as { amount?: unknown; currency?: unknown };
  return sameAmount(e.amount, a.amount) && sameValue(e.currency, a.currency);
};

/** What the service keeps as sent (an invoice's items): equal as JSON, whatever the key order. */
const sameJson: Same = (expected, actual) => sameValue(expected, actual) || canonicalJson(expected) === canonicalJson(actual);

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}

const sameLocation: Same = (expected, actual) => {
  if (expected === null || actual === null || actual === ABSENT) return sameValue(expected, actual);
  if (typeof actual !== 'object') return false;
  const e = expected as { name: unknown; country: unknown };
  const a = actual as { name?: unknown; country?: unknown };
  return sameValue(e.name, a.name) && sameValue(e.country, a.country);
};

class Collector {
  readonly mismatches: Mismatch[] = [];

  constructor(
    private readonly entity: EntityKind,
    private readonly id: string,
  ) {}

  field(field: string, expected: unknown, actual: unknown, same: Same = sameValue): void {
    if (!same(expected, actual)) this.add(field, expected, actual);
  }

  add(field: string, expected: unknown, actual: unknown): void {
    this.mismatches.push({ entity: this.entity, id: this.id, field, expected, actual });
  }
}

const enc = encodeURIComponent;

export function entityChecks(world: ExpectedWorld): EntityCheck[] {
  return [
    ...world.shipments.map((e) => check('shipment', e.id, `/shipments/${enc(e.id)}`, (m, a) => compareShipment(m, e, a))),
    // A journey's events fit one page of the timeline.
    ...world.shipments.map((e) =>
      check('timeline', e.id, `/shipments/${enc(e.id)}/timeline?limit=500`, (m, a) => compareTimeline(m, e, a)),
    ),
    ...world.bookings.map((e) =>
      check('booking', e.id, `/bookings/${enc(e.id)}`, (m, a) => {
        m.field('status', e.status, a.status);
        m.field('shipmentId', e.shipmentId, a.shipmentId, sameId);
      }),
    ),
    ...world.purchaseOrders.map((e) =>
      check('purchase order', e.id, `/purchase-orders/${enc(e.id)}`, (m, a) => {
        m.field('status', e.status, a.status);
        m.field('number', e.number, a.number, sameId);
      }),
    ),
    ...world.invoices.map((e) =>
      check('invoice', e.id, `/invoices/${enc(e.id)}`, (m, a) => {
        m.field('kind', e.kind, a.kind);
        m.field('amount', e.amount, a.amount, sameAmount);
        m.field('currency', e.currency, a.currency);
        m.field('dueDate', e.dueDate, a.dueDate, sameDate);
        m.field('shipmentId', e.shipmentId, a.shipmentId, sameId);
        m.field('name', e.name, a.name);
        m.field('status', e.status, a.status);
        m.field('total', e.total, a.total, sameMoney);
        m.field('balance', e.balance, a.balance, sameMoney);
        m.field('issuedAt', e.issuedAt, a.issuedAt, sameTime);
        m.field('voidedAt', e.voidedAt, a.voidedAt, sameTime);
        m.field('items', e.items, a.items, sameJson);
      }),
    ),
    ...world.documents.map((e) =>
      check('document', e.id, `/documents/${enc(e.id)}`, (m, a) => {
        m.field('documentType', e.documentType, a.documentType);
        m.field('fileName', e.fileName, a.fileName);
        m.field('url', e.url, a.url);
        m.field('shipmentId', e.shipmentId, a.shipmentId, sameId);
        m.field('memo', e.memo, a.memo);
        m.field('archivedAt', e.archivedAt, a.archivedAt, sameTime);
        m.field('uploadedAt', e.uploadedAt, a.uploadedAt, sameTime);
      }),
    ),
    ...world.containers.map((e) =>
      check('container', e.containerNumber, `/containers/${enc(e.containerNumber)}`, (m, a) => {
        m.field('status', e.status, a.status);
        m.field('shipmentId', e.shipmentId, a.shipmentId, sameId);
        m.field('lastFreeDay', e.lastFreeDay, a.lastFreeDay, sameDate);
        m.field('availableForPickupAt', e.availableForPickupAt, a.availableForPickupAt, sameTime);
        m.field('emptyReturnedAt', e.emptyReturnedAt, a.emptyReturnedAt, sameTime);
      }),
    ),
  ];
}

function check(
  entity: EntityKind,
  id: string,
  path: string,
  compare: (collector: Collector, actual: Record<string, unknown>) => void,
): EntityCheck {
  return {
    entity,
    id,
    path,
    compare(actual) {
      const collector = new Collector(entity, id);
      compare(collector, actual);
      return collector.mismatches;
    },
  };
}

function compareShipment(m: Collector, e: ExpectedShipment, a: Record<string, unknown>): void {
  compareShipmentExtras(m, e, a);
  m.field('status', e.status, a.status);
  m.field('statusAt', e.statusAt, a.statusAt, sameTime);
  m.field('location', e.location, a.location, sameLocation);
  for (const field of TRANSIT_FIELDS) m.field(field, e[field], a[field], sameTime);

  if (!Array.isArray(a.milestones)) {
    m.add(
      'milestones',
      e.milestones.map((milestone) => milestone.milestone),
      a.milestones,
    );
    return;
  }
  const listed = a.milestones as Record<string, unknown>[];
  for (const expected of e.milestones) {
    const entries = listed.filter((item) => item?.milestone === expected.milestone);
    const field = `milestones.${expected.milestone}`;
    if (entries.length !== 1) {
      m.add(`${field} (entries)`, 1, entries.length);
      continue;
    }
    const [actual] = entries;
    m.field(`${field}.occurredAt`, expected.occurredAt, actual.occurredAt, sameTime);
    m.field(`${field}.location`, expected.location, actual.location, sameLocation);
    m.field(`${field}.eventId`, expected.eventId, actual.eventId, sameId);
  }
  const expectedNames = new Set<unknown>(e.milestones.map((milestone) => milestone.milestone));
  for (const item of listed) {
    if (!expectedNames.has(item?.milestone)) m.add(`milestones.${String(item?.milestone)}`, ABSENT, item);
  }
  const times = listed.map((item) => Date.parse(String(item?.occurredAt)));
  if (times.some((time, i) => i > 0 && time < times[i - 1])) {
    m.add(
      'milestones (order)',
      'ascending by occurredAt',
      listed.map((item) => item?.milestone),
    );
  }
}

function compareShipmentExtras(m: Collector, e: ExpectedShipment, a: Record<string, unknown>): void {
  m.field('cargoReadyDate', e.cargoReadyDate, a.cargoReadyDate, sameDate);
  m.field('customsStatus', e.customsStatus, a.customsStatus);
  if (!Array.isArray(a.exceptions)) {
    m.add(
      'exceptions',
      e.exceptions.map((exception) => exception.eventId),
      a.exceptions,
    );
    return;
  }
  const listed = a.exceptions as Record<string, unknown>[];
  const ids = listed.map((item) => (typeof item?.eventId === 'number' ? String(item.eventId) : item?.eventId));
  m.field('exceptions (events, in order)', e.exceptions.map((exception) => exception.eventId).join(','), ids.join(','));
  for (const expected of e.exceptions) {
    const actual = listed[ids.indexOf(expected.eventId)];
    if (!actual) continue;
    const field = `exceptions.${expected.eventId}`;
    m.field(`${field}.kind`, expected.kind, actual.kind);
    m.field(`${field}.reason`, expected.reason, actual.reason);
    m.field(`${field}.occurredAt`, expected.occurredAt, actual.occurredAt, sameTime);
  }
}

/** The timeline lists exactly the events that name the shipment, in order, on one page. */
function compareTimeline(m: Collector, e: ExpectedShipment, a: Record<string, unknown>): void {
  if (!Array.isArray(a.items)) {
    m.add('items', e.timeline.length, a.items);
    return;
  }
  const ids = (a.items as Record<string, unknown>[]).map((item) =>
    typeof item?.eventId === 'number' ? String(item.eventId) : item?.eventId,
  );
  m.field('events (in order)', e.timeline.join(','), ids.join(','));
  m.field('nextCursor', null, a.nextCursor);
}

const show = (value: unknown): string => (value === ABSENT ? '(absent)' : JSON.stringify(value));

export function formatMismatch(mismatch: Mismatch): string {
  return `${mismatch.entity} ${mismatch.id}: ${mismatch.field} expected ${show(mismatch.expected)}, got ${show(mismatch.actual)}`;
}
