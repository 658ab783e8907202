import { ApiProperty, PickType } from '@nestjs/swagger';
import { EventCategory, EXCEPTION_KINDS, MILESTONES } from '@app/flexport';
import { EVENT_STATUSES } from '@app/processing';
import { EVENT_SOURCES, type EventSource } from '@app/queue';

const nullableString = { type: String, nullable: true } as const;
const nullableTime = { type: String, format: 'date-time', nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;

export class LocationView {
  @ApiProperty(nullableString)
  name: string | null;

  @ApiProperty({ ...nullableString, description: 'ISO country code, or null when unknown.' })
  country: string | null;
}

export class ShipmentMilestoneView {
  @ApiProperty({ enum: MILESTONES })
  milestone: string;

  @ApiProperty(time)
  occurredAt: string;

  @ApiProperty({ type: LocationView, nullable: true })
  location: LocationView | null;

  @ApiProperty()
  eventId: string;
}

export class ShipmentExceptionView {
  @ApiProperty({ enum: EXCEPTION_KINDS })
  kind: string;

  @ApiProperty({ example: 'vessel_delay_port_congestion', description: "The verb of the event's v2 type." })
  reason: string;

  @ApiProperty(time)
  occurredAt: string;

  @ApiProperty()
  eventId: string;
}

export class ShipmentView {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: MILESTONES, nullable: true, description: 'The winning milestone; null until one.' })
  status: string | null;

  @ApiProperty({ ...nullableTime, description: '`occurredAt` of the winning milestone.' })
  statusAt: string | null;

  @ApiProperty({ type: LocationView, nullable: true, description: 'Of the latest milestone that had one.' })
  location: LocationView | null;

  @ApiProperty(nullableTime)
  estimatedDepartureAt: string | null;

  @ApiProperty(nullableTime)
  estimatedArrivalAt: string | null;

  @ApiProperty(nullableTime)
  actualDepartureAt: string | null;

  @ApiProperty(nullableTime)
  actualArrivalAt: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'From the cargo-ready-date events, latest occurrence.' })
  cargoReadyDate: string | null;

  @ApiProperty({
    enum: ['held', 'released'],
    nullable: true,
    description: 'After whichever of its customs holds and customs_cleared milestones occurred last; null until one.',
  })
  customsStatus: string | null;

  @ApiProperty({ type: [ShipmentMilestoneView], description: 'Ascending by occurredAt, older late arrivals included.' })
  milestones: ShipmentMilestoneView[];

  @ApiProperty({ type: [ShipmentExceptionView], description: 'Delays and customs holds, each event once, ascending by occurredAt.' })
  exceptions: ShipmentExceptionView[];

  @ApiProperty({ type: [String], description: 'Container numbers linked to the shipment, sorted.' })
  containers: string[];

  @ApiProperty(time)
  updatedAt: string;
}

export class ShipmentPage {
  @ApiProperty({ type: [ShipmentView] })
  items: ShipmentView[];

  @ApiProperty({ ...nullableString, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}

export class MoneyView {
  @ApiProperty({ example: '1941.13', description: 'Decimal string, exactly as sent (never a float).' })
  amount: string;

  @ApiProperty({ example: 'USD' })
  currency: string;
}

export class BookingView {
  @ApiProperty()
  id: string;

  @ApiProperty(nullableString)
  shipmentId: string | null;

  @ApiProperty({ enum: ['confirmed', 'amended'] })
  status: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The booking's other fields, as sent." })
  details: Record<string, unknown>;

  @ApiProperty({ ...time, description: '`occurredAt` of the latest event applied.' })
  lastEventAt: string;

  @ApiProperty(time)
  createdAt: string;

  @ApiProperty(time)
  updatedAt: string;
}

export class PurchaseOrderView {
  @ApiProperty()
  id: string;

  @ApiProperty(nullableString)
  number: string | null;

  @ApiProperty({ enum: ['open', 'archived'] })
  status: string;

  @ApiProperty({ type: 'array', items: { type: 'object' }, nullable: true, description: 'As sent; null until an event carries them.' })
  lineItems: unknown[] | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details: Record<string, unknown>;

  @ApiProperty(time)
  lastEventAt: string;

  @ApiProperty(time)
  createdAt: string;

  @ApiProperty(time)
  updatedAt: string;
}

export class InvoiceView {
  @ApiProperty()
  id: string;

  @ApiProperty(nullableString)
  shipmentId: string | null;

  @ApiProperty({ enum: ['invoice', 'freight_invoice'], nullable: true, description: 'From compact events; null until one.' })
  kind: string | null;

  @ApiProperty({
    ...nullableString,
    example: '18422.07',
    description: 'Decimal string, exactly as sent (never a float); from compact events, null until one.',
  })
  amount: string | null;

  @ApiProperty({ ...nullableString, example: 'USD' })
  currency: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  dueDate: string | null;

  @ApiProperty({ ...nullableString, example: 'FLEX-123456-1', description: 'From v2 invoice events (as are the fields below).' })
  name: string | null;

  @ApiProperty({
    ...nullableString,
    example: 'outstanding',
    description: '`outstanding`, `past_due`, `paid`, `payment_pending` or `void`.',
  })
  status: string | null;

  @ApiProperty({ type: MoneyView, nullable: true })
  total: MoneyView | null;

  @ApiProperty({ type: MoneyView, nullable: true })
  balance: MoneyView | null;

  @ApiProperty(nullableTime)
  issuedAt: string | null;

  @ApiProperty(nullableTime)
  voidedAt: string | null;

  @ApiProperty({ type: 'array', items: { type: 'object' }, nullable: true, description: 'The invoice items, as sent.' })
  items: unknown[] | null;

  @ApiProperty(time)
  lastEventAt: string;

  @ApiProperty(time)
  createdAt: string;

  @ApiProperty(time)
  updatedAt: string;
}

export class DocumentView {
  @ApiProperty()
  id: string;

  @ApiProperty(nullableString)
  shipmentId: string | null;

  @ApiProperty({ ...nullableString, example: 'bill_of_lading' })
  documentType: string | null;

  @ApiProperty(nullableString)
  fileName: string | null;

  @ApiProperty({ ...nullableString, description: "The download link (a v2 document's `file_link`)." })
  url: string | null;

  @ApiProperty({ ...nullableString, description: 'From v2 document events (as are the two fields below).' })
  memo: string | null;

  @ApiProperty(nullableTime)
  archivedAt: string | null;

  @ApiProperty(nullableTime)
  uploadedAt: string | null;

  @ApiProperty(time)
  lastEventAt: string;

  @ApiProperty(time)
  createdAt: string;

  @ApiProperty(time)
  updatedAt: string;
}

export class ContainerView {
  @ApiProperty()
  containerNumber: string;

  @ApiProperty(nullableString)
  shipmentId: string | null;

  @ApiProperty({ enum: ['loaded', 'unloaded'], nullable: true, description: 'Null while only date events named the container.' })
  status: string | null;

  @ApiProperty({ ...time, description: '`occurredAt` of the latest event about the container.' })
  lastEventAt: string;

  @ApiProperty({ type: LocationView, nullable: true })
  location: LocationView | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  lastFreeDay: string | null;

  @ApiProperty(nullableTime)
  availableForPickupAt: string | null;

  @ApiProperty(nullableTime)
  emptyReturnedAt: string | null;

  @ApiProperty(time)
  createdAt: string;

  @ApiProperty(time)
  updatedAt: string;
}

export class EventView {
  @ApiProperty()
  eventId: string;

  @ApiProperty({ example: '/shipment_leg#departed' })
  type: string;

  @ApiProperty({ enum: Object.values(EventCategory) })
  category: string;

  @ApiProperty({ ...nullableString, description: 'Canonical name; null for unknown types.' })
  name: string | null;

  @ApiProperty({ enum: EVENT_STATUSES, description: '`queued` also for an event still only in the queue.' })
  status: string;

  @ApiProperty()
  attempts: number;

  @ApiProperty(nullableString)
  lastError: string | null;

  @ApiProperty(nullableTime)
  occurredAt: string | null;

  @ApiProperty(time)
  receivedAt: string;

  @ApiProperty(nullableTime)
  processedAt: string | null;

  @ApiProperty({ enum: EVENT_SOURCES, description: '`reconcile`: delivered by no webhook, found missing by a reconciliation run.' })
  source: EventSource;
}

export class EventPage {
  @ApiProperty({ type: [EventView] })
  items: EventView[];

  @ApiProperty(nullableString)
  nextCursor: string | null;
}

/** One event on a shipment's timeline: the event log's own fields, and where the event says it happened. */
export class TimelineItemView extends PickType(EventView, ['eventId', 'type', 'category', 'name', 'status', 'occurredAt'] as const) {
  @ApiProperty({ type: LocationView, nullable: true, description: "The event's own location, if it had one." })
  location: LocationView | null;
}

export class TimelinePage {
  @ApiProperty({ type: [TimelineItemView] })
  items: TimelineItemView[];

  @ApiProperty({ ...nullableString, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}
