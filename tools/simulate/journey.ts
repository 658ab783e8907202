import { EnvelopeFormat, isMilestone, Location, Milestone } from '@app/flexport';
import { ExpectedWorld, mergeWorlds } from './expected-world.js';
import { ContainerNumbers, JourneyIds, MAX_CONTAINERS_PER_SHIPMENT, MAX_SHIPMENTS, runNumberOf } from './ids.js';
import { BUYERS, CARRIERS, currencyFor, DESTINATION_PORTS, ORIGIN_PORTS, PRODUCTS, Site, SUPPLIERS, WAREHOUSES } from './places.js';
import { mix32, Random } from './random.js';
import { COMPACT_TYPES, hasV2Type, StepKind } from './wire-types.js';

export type SimulationFormat = EnvelopeFormat | 'mixed';

export interface JourneyOptions {
  seed: number;
  shipments: number;
  format: SimulationFormat;
  /** Earliest journey start (ISO); by default a date in 2026 derived from the seed, so a seed replays exactly. */
  startAt?: string;
}

export interface ShipmentPlan {
  id: number;
  legId: number;
  name: string;
  incoterm: string;
  origin: Site;
  destination: Site;
  supplier: Site;
  warehouse: Site;
  buyer: string;
  cargoReadyDate: string;
  carrier: { name: string; scac: string; vessel: string; voyage: string };
}

/** The main ocean leg as Flexport would describe it when the event is sent. */
export interface LegSnapshot {
  estimatedDepartureAt: string | null;
  estimatedArrivalAt: string | null;
  actualDepartureAt: string | null;
  actualArrivalAt: string | null;
}

export interface LineItem {
  line_item_number: number;
  sku: string;
  description: string;
  units: number;
  unit_cost: { amount: string; currency_code: string };
}

export interface PurchaseOrderSnapshot {
  id: string;
  number: string;
  buyer: string;
  seller: string;
  lineItems: LineItem[];
}

export interface BookingSnapshot {
  id: number;
  cargoReadyDate: string;
  containerCounts: Record<string, number>;
}

export interface ContainerPlan {
  number: string;
  id: number;
  legId: number;
  size: string;
  type: string;
  seal: string;
}

export interface InvoiceSnapshot {
  id: string;
  amount: string;
  currency: string;
  dueDate: string;
  description: string;
}

export interface DocumentPlan {
  id: string;
  documentType: string;
  fileName: string;
  url: string;
}

/** An `/invoice` resource as Flexport describes it when the event is sent. */
export interface InvoiceResource {
  id: string;
  name: string;
  status: 'outstanding' | 'paid';
  total: { amount: string; currency: string };
  balance: { amount: string; currency: string };
  dueDate: string;
  issuedAt: string;
  items: Record<string, unknown>[];
}

/** A `/document` resource's fields beyond the compact ones. */
export interface DocumentResource {
  memo: string | null;
  archivedAt: string | null;
  uploadedAt: string;
}

interface StepBase {
  journey: number;
  format: EnvelopeFormat;
  /** The v2 type, for the steps whose type depends on the step (see PER_STEP_V2_TYPE). */
  v2Type?: string;
  /** The envelope's `id`: an integer in v2, an `evt_…` string in compact. */
  wireId: string | number;
  eventId: string;
  occurredAt: string;
  createdAt: string;
  shipment: ShipmentPlan;
}

export type JourneyStep = StepBase &
  (
    | { kind: 'po_created' | 'po_updated' | 'po_archived'; purchaseOrder: PurchaseOrderSnapshot }
    | { kind: 'booking_confirmed' | 'booking_amended'; booking: BookingSnapshot }
    | {
        kind: 'estimated_departure' | 'estimated_arrival';
        /** The dates this update announces; `leg` is the leg once they apply. */
        announced: { estimatedDepartureAt?: string; estimatedArrivalAt?: string };
        leg: LegSnapshot;
      }
    | { kind: Milestone; location: Site | null; leg: LegSnapshot }
    | { kind: 'container_loaded' | 'container_unloaded'; container: ContainerPlan; location: Site }
    | { kind: 'invoice_created' | 'freight_invoice_ready'; invoice: InvoiceSnapshot }
    | { kind: 'document_uploaded' | 'bill_of_lading_ready'; document: DocumentPlan }
    | { kind: 'cargo_ready_date_changed'; v2Type: string; cargoReadyDate: string }
    | { kind: 'delay' | 'customs_hold'; v2Type: string }
    | { kind: 'invoice_updated'; v2Type: string; resource: InvoiceResource }
    | { kind: 'document_updated'; v2Type: string; document: DocumentPlan; resource: DocumentResource }
    | {
        kind: 'container_available_for_pickup' | 'container_free_time_expiring' | 'container_empty_returned';
        container: ContainerPlan;
        location: Site;
        /** `YYYY-MM-DD`, on the container resource of the free-time and empty-return events. */
        lastFreeDay: string;
      }
  );

export interface Journey {
  index: number;
  shipment: ShipmentPlan;
  /** Strictly increasing occurredAt. */
  steps: JourneyStep[];
  /** The final state the journey means to leave, written down from its plan, not folded from its events. */
  intended: ExpectedWorld;
}

/** Delays of the kind a shipment meets before it sails, and at sea. */
const DELAYS_BEFORE_DEPARTURE = [
  'cargo_rolled_from_booked_vessel',
  'equipment_unavailable',
  'supplier_late_gate_in',
  'vessel_delay_schedule_updated_by_carrier',
];
const DELAYS_IN_TRANSIT = [
  'vessel_delay_port_congestion',
  'weather_delay',
  'transshipment_delay',
  'vessel_delay_mechanical',
  'port_strike_delay',
];
const CUSTOMS_HOLDS = [
  'customs_agriculture_hold',
  'customs_entry_release_status_document_required',
  'customs_entry_release_status_pending_intensive_exam',
  'customs_entry_release_status_under_cbp_review',
  'customs_undergoing_x_ray_exam',
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EPOCH = Date.parse('2026-01-01T00:00:00Z');
const START_SPREAD_DAYS = 30;

const iso = (ms: number): string => new Date(ms).toISOString();
const dateOnly = (ms: number): string => iso(ms).slice(0, 10);
const halfHour = (ms: number): number => Math.round(ms / (30 * MINUTE)) * 30 * MINUTE;
const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const locationOf = (site: Site | null): Location | null => (site ? { name: site.name, country: site.country } : null);

export function defaultStartAt(seed: number): string {
  return iso(EPOCH + (mix32(seed, 0x57a7) % 180) * DAY);
}

export function generateJourneys(options: JourneyOptions): Journey[] {
  if (!Number.isInteger(options.shipments) || options.shipments < 1 || options.shipments > MAX_SHIPMENTS) {
    throw new RangeError(`shipments must be an integer between 1 and ${MAX_SHIPMENTS}`);
  }
  const run = runNumberOf(options.seed);
  const containers = new ContainerNumbers(options.seed);
  const startMs = Date.parse(options.startAt ?? defaultStartAt(options.seed));
  if (!Number.isFinite(startMs)) throw new RangeError(`startAt is not a date: ${options.startAt}`);
  return Array.from({ length: options.shipments }, (_, index) => planJourney({ ...options, run, containers, startMs }, index));
}

export function intendedWorld(journeys: readonly Journey[]): ExpectedWorld {
  return mergeWorlds(journeys.map((journey) => journey.intended));
}

interface PlanContext extends JourneyOptions {
  run: number;
  containers: ContainerNumbers;
  startMs: number;
}

/** A step kind at its time; `ref` tells which purchase order, container, ETA or invoice it is about. */
interface Slot {
  kind: StepKind;
  at: number;
  ref: number;
}

function planJourney(context: PlanContext, index: number): Journey {
  // Separate streams: the format choice and id suffixes never shift the times or amounts drawn.
  const rng = new Random(context.seed, 3 * index + 1);
  const ids = new JourneyIds(context.run, index, new Random(context.seed, 3 * index + 2));
  const formats = new Random(context.seed, 3 * index + 3);

  const origin = rng.pick(ORIGIN_PORTS);
  const destination = rng.pick(DESTINATION_PORTS);
  const supplier = rng.pick(SUPPLIERS[origin.country]);
  const warehouse = rng.pick(WAREHOUSES[destination.country]);
  const buyer = rng.pick(BUYERS);
  const currency = currencyFor(destination);
  const poCount = rng.int(1, 3);
  const archivedPos = Array.from({ length: poCount }, (_, j) => j === 0 || rng.chance(0.4));
  const containerCount = rng.int(1, MAX_CONTAINERS_PER_SHIPMENT);
  const etaUpdates = rng.int(2, 4);
  const archivePackingList = rng.chance(0.5);

  const slots = timeline(rng, context.startMs, { poCount, archivedPos, containerCount, etaUpdates, archivePackingList });
  const timeOf = (kind: StepKind, ref = 0): number => slots.find((s) => s.kind === kind && s.ref === ref)!.at;
  const departedAt = timeOf('departed');
  const arrivedAt = timeOf('arrived');
  const cargoReadyAt = timeOf('cargo_ready');

  const shipmentId = ids.serial();
  const product = rng.pick(PRODUCTS);
  const carrier = rng.pick(CARRIERS);
  const shipment: ShipmentPlan = {
    id: shipmentId,
    legId: ids.serial(),
    name: `${product.description} for ${buyer}`,
    incoterm: rng.pick(['FOB', 'EXW', 'FCA', 'CIF']),
    origin,
    destination,
    supplier,
    warehouse,
    buyer,
    cargoReadyDate: dateOnly(cargoReadyAt),
    carrier: {
      name: carrier.name,
      scac: carrier.scac,
      vessel: rng.pick(carrier.vessels),
      voyage: `${rng.int(100, 999)}${rng.pick(['E', 'W', 'N', 'S'])}`,
    },
  };

  const bookingId = ids.serial();
  const containerCounts = { forty_ft_hc: containerCount };
  const bookings: BookingSnapshot[] = [
    { id: bookingId, cargoReadyDate: dateOnly(cargoReadyAt - rng.int(2, 6) * DAY), containerCounts },
    { id: bookingId, cargoReadyDate: shipment.cargoReadyDate, containerCounts },
  ];

  const purchaseOrders = Array.from({ length: poCount }, () => {
    const id = ids.purchaseOrderId(new Date(context.startMs).getUTCFullYear());
    const lines = rng.int(1, 3);
    const created: PurchaseOrderSnapshot = {
      id,
      number: `45${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
      buyer,
      seller: supplier.name,
      lineItems: Array.from({ length: lines }, (_, line) => {
        const item = PRODUCTS[(PRODUCTS.indexOf(product) + line) % PRODUCTS.length];
        return {
          line_item_number: line + 1,
          sku: item.sku,
          description: item.description,
          units: rng.int(2, 48) * 50,
          unit_cost: { amount: money(rng.int(150, 4500)), currency_code: 'USD' },
        };
      }),
    };
    const updated: PurchaseOrderSnapshot = {
      ...created,
      lineItems: created.lineItems.map((item, line) => (line === 0 ? { ...item, units: item.units + rng.int(1, 6) * 50 } : item)),
    };
    return { created, updated };
  });

  const containerPlans: ContainerPlan[] = Array.from({ length: containerCount }, (_, c) => ({
    number: context.containers.number(index, c),
    id: ids.serial(),
    legId: ids.serial(),
    size: 'forty_ft_hc',
    type: 'dry',
    seal: `${origin.country}${rng.int(1_000_000, 9_999_999)}`,
  }));

  // Estimates move back and forth around the actual dates before they settle: each ETA update
  // lands on the other side of the actual arrival, closer to it.
  const etd = [halfHour(departedAt + rng.int(-72, 48) * HOUR)];
  etd.push(distinct(halfHour(departedAt + rng.int(-12, 12) * HOUR), etd[0]));
  const eta = [halfHour(arrivedAt + rng.int(-96, 96) * HOUR)];
  let sign = eta[0] > arrivedAt ? -1 : 1;
  for (let k = 1; k <= etaUpdates; k++) {
    const remaining = etaUpdates - k;
    const magnitude = remaining === 0 ? rng.int(0, 6) * HOUR : rng.int(remaining * 12, remaining * 30) * HOUR;
    eta.push(distinct(halfHour(arrivedAt + sign * magnitude), eta[k - 1]));
    sign = -sign;
  }

  const freightCents = rng.int(1_800_00, 9_500_00) * containerCount + rng.int(0, 99);
  const finalFreightCents = freightCents + rng.int(-250_00, 1_200_00);
  const freightId = ids.invoiceId();
  const dutiesId = ids.invoiceId();
  const invoices = {
    draft: invoice(freightId, freightCents, currency, timeOf('invoice_created') + 30 * DAY, 'Ocean freight (draft)'),
    duties: invoice(dutiesId, rng.int(50_00, 4_000_00), currency, timeOf('invoice_created', 1) + 15 * DAY, 'Customs duties and taxes'),
    final: invoice(freightId, finalFreightCents, currency, timeOf('freight_invoice_ready') + 30 * DAY, 'Ocean freight'),
  };

  const documents = {
    commercialInvoice: documentPlan(ids.documentId(), 'commercial_invoice', `CI-${shipmentId}.pdf`),
    billOfLading: documentPlan(ids.documentId(), 'flexport_bill_of_lading', `HBL-FLXT${shipmentId}.pdf`),
    packingList: documentPlan(ids.documentId(), 'packing_list', `PL-${shipmentId}.pdf`),
  };
  const documentResources: DocumentResource[] = [
    { memo: null, archivedAt: null, uploadedAt: iso(timeOf('document_updated', 0)) },
    { memo: 'Telex release', archivedAt: null, uploadedAt: iso(timeOf('bill_of_lading_ready')) },
    ...(archivePackingList
      ? [
          {
            memo: 'Superseded by the packing list of the final booking',
            archivedAt: iso(timeOf('document_updated', 2)),
            uploadedAt: iso(timeOf('document_updated', 0)),
          },
        ]
      : []),
  ];

  // Flexport's own record of the two invoices: the freight one shared, then paid; the duties one due later than first said.
  const money2 = (cents: number) => ({ amount: money(cents), currency });
  const freightItems = [
    {
      _object: '/invoice_item',
      name: 'Ocean Freight',
      slug: 'ocean_freight',
      category: 'freight',
      amount: { _object: '/money', amount: money(finalFreightCents), currency_code: currency },
      rate: money(finalFreightCents),
      quantity: '1.0',
    },
  ];
  const dutiesCents = Math.round(Number(invoices.duties.amount) * 100);
  const invoiceResources: InvoiceResource[] = [
    {
      id: freightId,
      name: `FLEX-${shipmentId}-1`,
      status: 'outstanding',
      total: money2(finalFreightCents),
      balance: money2(finalFreightCents),
      dueDate: invoices.final.dueDate,
      issuedAt: iso(timeOf('freight_invoice_ready')),
      items: freightItems,
    },
    {
      id: dutiesId,
      name: `FLEX-${shipmentId}-2`,
      status: 'outstanding',
      total: money2(dutiesCents),
      balance: money2(dutiesCents),
      dueDate: dateOnly(Date.parse(invoices.duties.dueDate) + 7 * DAY),
      issuedAt: iso(timeOf('invoice_created', 1)),
      items: [
        {
          _object: '/invoice_item',
          name: 'Customs Duties',
          slug: 'customs_duties',
          category: 'customs',
          amount: { _object: '/money', amount: invoices.duties.amount, currency_code: currency },
          rate: invoices.duties.amount,
          quantity: '1.0',
        },
      ],
    },
  ];
  invoiceResources.push({ ...invoiceResources[0], status: 'paid', balance: money2(0) });
  const invoiceVerbs = ['invoice_shared', 'invoice_due_date_adjusted', 'invoice_payment_made'];
  const lastFreeDay = dateOnly(arrivedAt + 5 * DAY);

  const leg: LegSnapshot = { estimatedDepartureAt: null, estimatedArrivalAt: null, actualDepartureAt: null, actualArrivalAt: null };
  const v2Types: Partial<Record<StepKind, (ref: number) => string>> = {
    cargo_ready_date_changed: (ref) => (ref === 0 ? '/shipment#cargo_ready_date_changed' : '/shipment#updated_cargo_ready_date'),
    delay: (ref) => `/shipment#${rng.pick(ref === 0 ? DELAYS_BEFORE_DEPARTURE : DELAYS_IN_TRANSIT)}`,
    customs_hold: () => `/shipment#${rng.pick(CUSTOMS_HOLDS)}`,
    invoice_updated: (ref) => `/invoice#${invoiceVerbs[ref]}`,
    // Flexport does not publish the verbs of document events; the service goes by the resource.
    document_updated: (ref) => (ref === 2 ? '/document#archived' : '/document#uploaded'),
  };
  const steps = slots.map((slot): JourneyStep => {
    const v2Type = v2Types[slot.kind]?.(slot.ref);
    const compactOnly = !hasV2Type(slot.kind, v2Type);
    const v2Only = COMPACT_TYPES[slot.kind] === undefined;
    const format: EnvelopeFormat = v2Only
      ? 'v2'
      : compactOnly || context.format === 'compact'
        ? 'compact'
        : context.format === 'v2' || formats.chance(0.5)
          ? 'v2'
          : 'compact';
    const createdMs = slot.at + createdAtLag(rng, format);
    const wireId = format === 'v2' ? ids.serial() : ids.eventId(createdMs);
    const base: StepBase = {
      journey: index,
      format,
      wireId,
      eventId: String(wireId),
      occurredAt: iso(slot.at),
      createdAt: iso(createdMs),
      shipment,
    };
    switch (slot.kind) {
      case 'po_created':
        return { ...base, kind: slot.kind, purchaseOrder: purchaseOrders[slot.ref].created };
      case 'po_updated':
      case 'po_archived':
        return { ...base, kind: slot.kind, purchaseOrder: purchaseOrders[slot.ref].updated };
      case 'booking_confirmed':
        return { ...base, kind: slot.kind, booking: bookings[0] };
      case 'booking_amended':
        return { ...base, kind: slot.kind, booking: bookings[1] };
      case 'estimated_departure': {
        const announced = { estimatedDepartureAt: iso(etd[slot.ref]) };
        Object.assign(leg, announced);
        return { ...base, kind: slot.kind, announced, leg: { ...leg } };
      }
      case 'estimated_arrival': {
        const announced = { estimatedArrivalAt: iso(eta[slot.ref]) };
        Object.assign(leg, announced);
        return { ...base, kind: slot.kind, announced, leg: { ...leg } };
      }
      case 'cargo_ready':
        return { ...base, kind: slot.kind, location: supplier, leg: { ...leg } };
      case 'departed':
        leg.actualDepartureAt = base.occurredAt;
        return { ...base, kind: slot.kind, location: origin, leg: { ...leg } };
      case 'arrived':
        leg.actualArrivalAt = base.occurredAt;
        return { ...base, kind: slot.kind, location: destination, leg: { ...leg } };
      case 'customs_cleared':
        return { ...base, kind: slot.kind, location: null, leg: { ...leg } };
      case 'delivered':
        return { ...base, kind: slot.kind, location: warehouse, leg: { ...leg } };
      case 'container_loaded':
        return { ...base, kind: slot.kind, container: containerPlans[slot.ref], location: origin };
      case 'container_unloaded':
        return { ...base, kind: slot.kind, container: containerPlans[slot.ref], location: destination };
      case 'invoice_created':
        return { ...base, kind: slot.kind, invoice: slot.ref === 0 ? invoices.draft : invoices.duties };
      case 'freight_invoice_ready':
        return { ...base, kind: slot.kind, invoice: invoices.final };
      case 'document_uploaded':
        return { ...base, kind: slot.kind, document: documents.commercialInvoice };
      case 'bill_of_lading_ready':
        return { ...base, kind: slot.kind, document: documents.billOfLading };
      case 'cargo_ready_date_changed':
        return { ...base, kind: slot.kind, v2Type: v2Type!, cargoReadyDate: bookings[slot.ref].cargoReadyDate };
      case 'delay':
      case 'customs_hold':
        return { ...base, kind: slot.kind, v2Type: v2Type! };
      case 'invoice_updated':
        return { ...base, kind: slot.kind, v2Type: v2Type!, resource: invoiceResources[slot.ref] };
      case 'document_updated':
        return {
          ...base,
          kind: slot.kind,
          v2Type: v2Type!,
          document: slot.ref === 1 ? documents.billOfLading : documents.packingList,
          resource: documentResources[slot.ref],
        };
      case 'container_available_for_pickup':
      case 'container_free_time_expiring':
      case 'container_empty_returned':
        return { ...base, kind: slot.kind, container: containerPlans[slot.ref], location: destination, lastFreeDay };
    }
  });

  const id = String(shipmentId);
  const milestoneSteps = steps.filter((step): step is Extract<JourneyStep, { kind: Milestone }> => isMilestone(step.kind));
  const delivered = milestoneSteps[milestoneSteps.length - 1];
  const exceptionSteps = steps.filter((step) => step.kind === 'delay' || step.kind === 'customs_hold');
  const last = <K extends StepKind>(kind: K, ref = 0) =>
    steps.filter((step) => step.kind === kind)[ref] as Extract<JourneyStep, { kind: K }> | undefined;
  const v2Invoice = (resource: InvoiceResource) => ({
    name: resource.name,
    status: resource.status,
    total: resource.total,
    balance: resource.balance,
    issuedAt: resource.issuedAt,
    voidedAt: null,
    items: resource.items,
  });
  const v2Document = (resource: DocumentResource | null) => ({
    memo: resource?.memo ?? null,
    archivedAt: resource?.archivedAt ?? null,
    uploadedAt: resource?.uploadedAt ?? null,
  });
  const containerDates = (container: ContainerPlan) => ({
    lastFreeDay,
    availableForPickupAt: steps.find((s) => s.kind === 'container_available_for_pickup' && s.container === container)!.occurredAt,
    emptyReturnedAt: steps.find((s) => s.kind === 'container_empty_returned' && s.container === container)!.occurredAt,
  });
  // Every event that names the shipment: all but the compact purchase-order events.
  const timelineOf = steps.filter((step) => !step.kind.startsWith('po_')).map((step) => step.eventId);
  const intended: ExpectedWorld = {
    shipments: [
      {
        id,
        status: 'delivered',
        statusAt: delivered.occurredAt,
        location: locationOf(warehouse),
        estimatedDepartureAt: iso(etd[etd.length - 1]),
        estimatedArrivalAt: iso(eta[eta.length - 1]),
        actualDepartureAt: iso(departedAt),
        actualArrivalAt: iso(arrivedAt),
        milestones: milestoneSteps.map((step) => ({
          milestone: step.kind,
          occurredAt: step.occurredAt,
          location: locationOf(step.location),
          eventId: step.eventId,
        })),
        cargoReadyDate: shipment.cargoReadyDate,
        customsStatus: 'released',
        exceptions: exceptionSteps.map((step) => ({
          kind: step.kind as 'delay' | 'customs_hold',
          reason: step.v2Type!.slice('/shipment#'.length),
          occurredAt: step.occurredAt,
          eventId: step.eventId,
        })),
        timeline: timelineOf,
      },
    ],
    bookings: [{ id: String(bookingId), shipmentId: id, status: 'amended' }],
    purchaseOrders: purchaseOrders.map(({ created }, j) => ({
      id: created.id,
      number: created.number,
      status: archivedPos[j] ? 'archived' : 'open',
    })),
    invoices: [
      {
        id: freightId,
        shipmentId: id,
        kind: 'freight_invoice',
        amount: money(finalFreightCents),
        currency,
        dueDate: invoices.final.dueDate,
        ...v2Invoice(last('invoice_updated', 2)!.resource),
      },
      {
        id: dutiesId,
        shipmentId: id,
        kind: 'invoice',
        amount: invoices.duties.amount,
        currency,
        dueDate: invoiceResources[1].dueDate,
        ...v2Invoice(invoiceResources[1]),
      },
    ],
    documents: [
      { document: documents.commercialInvoice, resource: null },
      { document: documents.billOfLading, resource: documentResources[1] },
      { document: documents.packingList, resource: documentResources[archivePackingList ? 2 : 0] },
    ].map(({ document, resource }) => ({
      id: document.id,
      shipmentId: id,
      documentType: document.documentType,
      fileName: document.fileName,
      url: document.url,
      ...v2Document(resource),
    })),
    containers: containerPlans.map((container) => ({
      containerNumber: container.number,
      shipmentId: id,
      status: 'unloaded',
      ...containerDates(container),
    })),
  };
  return { index, shipment, steps, intended: mergeWorlds([intended]) };
}

/**
 * The order of a journey and the gaps between its steps, in minutes. Every gap is at least one
 * minute, so occurredAt strictly increases and the final state never depends on a tie.
 */
function timeline(
  rng: Random,
  startMs: number,
  shape: { poCount: number; archivedPos: boolean[]; containerCount: number; etaUpdates: number; archivePackingList: boolean },
): Slot[] {
  const plan: [StepKind, number, number, number][] = [];
  const add = (kind: StepKind, minMinutes: number, maxMinutes: number, ref = 0) => plan.push([kind, minMinutes, maxMinutes, ref]);
  const times = (count: number, fn: (ref: number) => void) => Array.from({ length: count }, (_, ref) => fn(ref));

  times(shape.poCount, (j) => add('po_created', 60, 2 * 24 * 60, j));
  add('booking_confirmed', 24 * 60, 3 * 24 * 60);
  add('cargo_ready_date_changed', 60, 6 * 60, 0);
  add('po_updated', 120, 2 * 24 * 60, 0);
  add('document_uploaded', 120, 24 * 60);
  add('document_updated', 60, 12 * 60, 0);
  add('booking_amended', 6 * 60, 3 * 24 * 60);
  add('cargo_ready_date_changed', 30, 6 * 60, 1);
  add('estimated_departure', 60, 12 * 60, 0);
  add('estimated_arrival', 1, 30, 0);
  times(shape.poCount - 1, (j) => add('po_updated', 60, 24 * 60, j + 1));
  add('cargo_ready', 3 * 24 * 60, 7 * 24 * 60);
  if (shape.archivePackingList) add('document_updated', 60, 12 * 60, 2);
  add('estimated_departure', 12 * 60, 2 * 24 * 60, 1);
  times(shape.containerCount, (c) => add('container_loaded', c === 0 ? 12 * 60 : 30, c === 0 ? 36 * 60 : 6 * 60, c));
  add('delay', 30, 6 * 60, 0);
  add('departed', 2 * 60, 12 * 60);
  add('bill_of_lading_ready', 2 * 60, 24 * 60);
  add('document_updated', 60, 12 * 60, 1);
  add('invoice_created', 24 * 60, 3 * 24 * 60, 0);
  times(shape.etaUpdates, (k) => {
    add('estimated_arrival', 2 * 24 * 60, 5 * 24 * 60, k + 1);
    if (k === 0) add('delay', 60, 24 * 60, 1);
  });
  add('arrived', 24 * 60, 4 * 24 * 60);
  times(shape.containerCount, (c) => add('container_unloaded', 60, 12 * 60, c));
  add('customs_hold', 60, 12 * 60, 0);
  add('customs_cleared', 6 * 60, 2 * 24 * 60);
  times(shape.containerCount, (c) => add('container_available_for_pickup', 30, 6 * 60, c));
  add('invoice_created', 2 * 60, 24 * 60, 1);
  add('freight_invoice_ready', 60, 2 * 24 * 60);
  add('invoice_updated', 30, 6 * 60, 0);
  add('invoice_updated', 60, 24 * 60, 1);
  times(shape.containerCount, (c) => add('container_free_time_expiring', 30, 12 * 60, c));
  add('delivered', 24 * 60, 5 * 24 * 60);
  times(shape.containerCount, (c) => add('container_empty_returned', 2 * 60, 24 * 60, c));
  add('invoice_updated', 24 * 60, 10 * 24 * 60, 2);
  shape.archivedPos.forEach((archived, j) => archived && add('po_archived', 24 * 60, 10 * 24 * 60, j));

  let at = startMs + rng.int(0, START_SPREAD_DAYS * 24 * 60) * MINUTE + rng.int(0, 59) * 1000;
  return plan.map(([kind, min, max, ref], position) => {
    if (position > 0) at += rng.int(min, max) * MINUTE + rng.int(0, 59) * 1000;
    return { kind, at, ref };
  });
}

/** created_at lags occurred_at: usually by minutes, sometimes by hours, now and then by more than a day. */
function createdAtLag(rng: Random, format: EnvelopeFormat): number {
  const roll = rng.next();
  const seconds = roll < 0.7 ? rng.int(5, 600) : roll < 0.95 ? rng.int(600, 6 * 3600) : rng.int(24 * 3600, 36 * 3600);
  const millis = rng.int(0, 999);
  return seconds * 1000 + (format === 'v2' ? millis : 0);
}

function distinct(value: number, previous: number): number {
  return value === previous ? value + HOUR : value;
}

function invoice(id: string, cents: number, currency: string, dueMs: number, description: string): InvoiceSnapshot {
  return { id, amount: money(cents), currency, dueDate: dateOnly(dueMs), description };
}

function documentPlan(id: string, documentType: string, fileName: string): DocumentPlan {
  return { id, documentType, fileName, url: `https://api.flexport.com/documents/${id}/download` };
}
