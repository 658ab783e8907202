import type { ExceptionKind, Location, Milestone } from '@app/flexport';

/** The state the read API should serve once every acknowledged event is processed (README "Reading state"). */
export interface ExpectedMilestone {
  milestone: Milestone;
  occurredAt: string;
  location: Location | null;
  eventId: string;
}

export interface ExpectedException {
  kind: ExceptionKind;
  reason: string;
  occurredAt: string;
  eventId: string;
}

export interface ExpectedMoney {
  amount: string;
  currency: string;
}

export interface ExpectedShipment {
  id: string;
  status: Milestone | null;
  statusAt: string | null;
  location: Location | null;
  estimatedDepartureAt: string | null;
  estimatedArrivalAt: string | null;
  actualDepartureAt: string | null;
  actualArrivalAt: string | null;
  /** Ascending by occurredAt. */
  milestones: ExpectedMilestone[];
  cargoReadyDate: string | null;
  customsStatus: 'held' | 'released' | null;
  /** Ascending by occurredAt. */
  exceptions: ExpectedException[];
  /** The ids of every event that names the shipment, ascending by (occurredAt, eventId). */
  timeline: string[];
}

export interface ExpectedBooking {
  id: string;
  shipmentId: string | null;
  status: 'confirmed' | 'amended';
}

export interface ExpectedPurchaseOrder {
  id: string;
  number: string | null;
  status: 'open' | 'archived';
}

export interface ExpectedInvoice {
  id: string;
  shipmentId: string | null;
  kind: 'invoice' | 'freight_invoice' | null;
  amount: string | null;
  currency: string | null;
  dueDate: string | null;
  name: string | null;
  status: string | null;
  total: ExpectedMoney | null;
  balance: ExpectedMoney | null;
  issuedAt: string | null;
  voidedAt: string | null;
  items: unknown[] | null;
}

export interface ExpectedDocument {
  id: string;
  shipmentId: string | null;
  documentType: string | null;
  fileName: string | null;
  url: string | null;
  memo: string | null;
  archivedAt: string | null;
  uploadedAt: string | null;
}

export interface ExpectedContainer {
  containerNumber: string;
  shipmentId: string | null;
  status: 'loaded' | 'unloaded' | null;
  lastFreeDay: string | null;
  availableForPickupAt: string | null;
  emptyReturnedAt: string | null;
}

export interface ExpectedWorld {
  shipments: ExpectedShipment[];
  bookings: ExpectedBooking[];
  purchaseOrders: ExpectedPurchaseOrder[];
  invoices: ExpectedInvoice[];
  documents: ExpectedDocument[];
  containers: ExpectedContainer[];
}

export function emptyWorld(): ExpectedWorld {
  return { shipments: [], bookings: [], purchaseOrders: [], invoices: [], documents: [], containers: [] };
}

const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** One canonical order, so two worlds built in different ways compare with a deep equality. */
export function sortWorld(world: ExpectedWorld): ExpectedWorld {
  return {
    shipments: [...world.shipments]
      .map((shipment) => ({
        ...shipment,
        milestones: [...shipment.milestones].sort(
          (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || byKey<ExpectedMilestone>((m) => m.eventId)(a, b),
        ),
        exceptions: [...shipment.exceptions].sort(
          (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || byKey<ExpectedException>((e) => e.eventId)(a, b),
        ),
      }))
      .sort(byKey((s) => s.id)),
    bookings: [...world.bookings].sort(byKey((b) => b.id)),
    purchaseOrders: [...world.purchaseOrders].sort(byKey((p) => p.id)),
    invoices: [...world.invoices].sort(byKey((i) => i.id)),
    documents: [...world.documents].sort(byKey((d) => d.id)),
    containers: [...world.containers].sort(byKey((c) => c.containerNumber)),
  };
}

export function mergeWorlds(worlds: Iterable<ExpectedWorld>): ExpectedWorld {
  const merged = emptyWorld();
  for (const world of worlds) {
    for (const key of Object.keys(merged) as (keyof ExpectedWorld)[]) {
      (merged[key] as unknown[]).push(...world[key]);
    }
  }
  return sortWorld(merged);
}

export function entityCount(world: ExpectedWorld): number {
  return Object.values(world).reduce((sum, list: unknown[]) => sum + list.length, 0);
}
