import { readFileSync } from 'node:fs';
import {
  CANONICAL_NAMES,
  catalogueRank,
  CUSTOMS_HOLD_VERBS,
  DELAY_VERBS,
  EVENT_CATALOGUE,
  EventCategory,
  IGNORED_TYPES,
  lookupEvent,
  lookupType,
  MILESTONES,
} from './catalogue.js';

describe('event catalogue', () => {
  it('maps some type onto every canonical name of the contract', () => {
    const mapped = new Set(EVENT_CATALOGUE.map((entry) => entry.name).filter(Boolean));
    const fromData = new Set<string>([...MILESTONES, 'estimated_departure', 'estimated_arrival', 'actual_departure']);
    const uncovered = CANONICAL_NAMES.filter((name) => !mapped.has(name) && !fromData.has(name));
    expect(uncovered).toEqual([]);
  });

  it('keeps the order of the original names and appends the new ones after them', () => {
    expect(CANONICAL_NAMES.slice(0, 19)).toEqual([
      'cargo_ready',
      'departed',
      'arrived',
      'customs_cleared',
      'delivered',
      'estimated_departure',
      'estimated_arrival',
      'actual_departure',
      'booking_confirmed',
      'booking_amended',
      'po_created',
      'po_updated',
      'po_archived',
      'invoice_created',
      'freight_invoice_ready',
      'document_uploaded',
      'bill_of_lading_ready',
      'container_loaded',
      'container_unloaded',
    ]);
  });

  it('lets a customs hold win a tie with customs_cleared, and a v2 resource a tie with a compact event', () => {
    expect(catalogueRank('customs_hold')).toBeGreaterThan(catalogueRank('customs_cleared'));
    expect(catalogueRank('invoice_updated')).toBeGreaterThan(catalogueRank('freight_invoice_ready'));
    expect(catalogueRank('document_updated')).toBeGreaterThan(catalogueRank('bill_of_lading_ready'));
    expect(catalogueRank('container_free_time_expired')).toBeGreaterThan(catalogueRank('container_free_time_expiring'));
  });

  it('holds the required mapping of Flexport v2 types onto canonical names', () => {
    const required: Array<[string, EventCategory, string]> = [
      ['/shipment_leg#departed', EventCategory.Milestone, 'departed'],
      ['/shipment_leg#arrived', EventCategory.Milestone, 'arrived'],
      ['/shipment_leg#delivered', EventCategory.Milestone, 'delivered'],
      ['/shipment_leg#delivery_completed', EventCategory.Milestone, 'delivered'],
      ['/shipment#delivered_in_full', EventCategory.Milestone, 'delivered'],
      ['/shipment#customs_entry_release_status_released', EventCategory.Milestone, 'customs_cleared'],
      ['/shipment#export_customs_cleared', EventCategory.Milestone, 'customs_cleared'],
      ['/shipment_leg#updated_estimated_time_of_departure', EventCategory.Transit, 'estimated_departure'],
      ['/shipment_leg#updated_estimated_time_of_arrival', EventCategory.Transit, 'estimated_arrival'],
      ['/shipment#booking_confirmed', EventCategory.Booking, 'booking_confirmed'],
      ['/ocean/shipment_container_leg#loaded_on_board', EventCategory.Container, 'container_loaded'],
      ['/ocean/shipment_container_leg#unloaded_off_board', EventCategory.Container, 'container_unloaded'],
    ];
    for (const [type, category, name] of required) {
      expect(lookupType(type)).toMatchObject({ type, category, name, format: 'v2' });
    }
  });

  it('maps every compact type of the contract', () => {
    const compact = EVENT_CATALOGUE.filter((entry) => entry.format === 'compact').map((entry) => entry.type);
    expect(compact.sort()).toEqual(
      [
        'shipment.milestone',
        'shipment.eta_updated',
        'booking.confirmed',
        'booking.amended',
        'purchase_order.created',
        'purchase_order.updated',
        'purchase_order.archived',
        'invoice.created',
        'invoice.freight_invoice_ready',
        'document.uploaded',
        'document.bill_of_lading_ready',
        'container.loaded',
        'container.unloaded',
      ].sort(),
    );
  });

  it('lists each type and each resource once, and never a type it also keeps ignored', () => {
    const types = EVENT_CATALOGUE.map((entry) => entry.type).filter((type) => type !== undefined);
    expect(new Set(types).size).toBe(types.length);
    const resources = EVENT_CATALOGUE.map((entry) => entry.resource).filter((resource) => resource !== undefined);
    expect(resources.sort()).toEqual(['/document', '/invoice']);
    for (const { type } of IGNORED_TYPES) expect(lookupType(type)).toBeUndefined();
  });

  it('maps every documented delay and customs hold onto an exception, and nothing else that looks like one', () => {
    expect(DELAY_VERBS).toHaveLength(42);
    expect(CUSTOMS_HOLD_VERBS).toHaveLength(9);
    for (const verb of DELAY_VERBS)
      expect(lookupType(`/shipment#${verb}`)).toMatchObject({ category: EventCategory.Exception, name: 'delay' });
    for (const verb of CUSTOMS_HOLD_VERBS) {
      expect(lookupType(`/shipment#${verb}`)).toMatchObject({ category: EventCategory.Exception, name: 'customs_hold' });
    }
    expect(lookupType('/shipment#hyperloop_transfer_delay')).toBeUndefined();
    expect(lookupType('/shipment#ftz_admission')).toBeUndefined();
    expect(lookupType('/shipment_leg#weather_delay')).toBeUndefined();
  });

  it('understands an /invoice or /document resource whatever its verb, a listed type first', () => {
    const invoice = { resource: { _object: '/invoice', id: 'x' } };
    expect(lookupEvent('/invoice#invoice_payment_made', invoice)).toMatchObject({
      category: EventCategory.Invoice,
      name: 'invoice_updated',
    });
    expect(lookupEvent('/invoice#not_published_yet', invoice)).toMatchObject({ category: EventCategory.Invoice });
    expect(lookupEvent('/document#whatever', { resource: { _object: '/document' } })).toMatchObject({ name: 'document_updated' });
    expect(lookupEvent('/shipment_leg#departed', invoice)).toMatchObject({ category: EventCategory.Milestone });
    expect(lookupEvent('/invoice#invoice_voided', { resource: { _object: '/shipment' } })).toBeUndefined();
    for (const data of [
      undefined,
      null,
      'x',
      [],
      { resource: null },
      { resource: { _object: { toString: 1 } } },
      { resource: ['/invoice'] },
    ]) {
      expect(lookupEvent('/invoice#invoice_voided', data)).toBeUndefined();
    }
    expect(lookupEvent('/invoice#invoice_voided', { resource: { _object: '__proto__' } })).toBeUndefined();
  });

  it('is documented in README.md: every type and resource it maps, every type it keeps ignored with its reason', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    // The exception verbs are listed as `verb` under their `/shipment#` prefix.
    const listed = (entry: (typeof EVENT_CATALOGUE)[number]) =>
      entry.category === EventCategory.Exception ? `\`${entry.type!.slice('/shipment#'.length)}\`` : `\`${entry.type ?? entry.resource}\``;
    const missing = [...EVENT_CATALOGUE.map(listed), ...IGNORED_TYPES.flatMap(({ type, reason }) => [`\`${type}\``, reason])].filter(
      (text) => !readme.includes(text),
    );
    expect(missing).toEqual([]);
  });

  it('orders milestones as the journey goes, for tie-breaking', () => {
    const ranks = MILESTONES.map((name) => catalogueRank(name));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(catalogueRank(null)).toBeLessThan(catalogueRank('cargo_ready'));
  });
});
