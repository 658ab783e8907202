import { CANONICAL_NAMES, catalogueRank, EVENT_CATALOGUE, EventCategory, lookupType, MILESTONES } from './catalogue.js';

describe('event catalogue', () => {
  it('maps some type onto every canonical name of the contract', () => {
    const mapped = new Set(EVENT_CATALOGUE.map((entry) => entry.name).filter(Boolean));
    const fromData = new Set<string>([...MILESTONES, 'estimated_departure', 'estimated_arrival', 'actual_departure']);
    const uncovered = CANONICAL_NAMES.filter((name) => !mapped.has(name) && !fromData.has(name));
    expect(uncovered).toEqual([]);
    expect(CANONICAL_NAMES).toHaveLength(19);
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

  it('lists each type once', () => {
    const types = EVENT_CATALOGUE.map((entry) => entry.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('orders milestones as the journey goes, for tie-breaking', () => {
    const ranks = MILESTONES.map((name) => catalogueRank(name));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(catalogueRank(null)).toBeLessThan(catalogueRank('cargo_ready'));
  });
});
