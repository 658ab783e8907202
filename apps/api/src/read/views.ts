import { ApiProperty } from '@nestjs/swagger';
import { EventCategory, MILESTONES } from '@app/flexport';
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

  @ApiProperty({ type: [ShipmentMilestoneView], description: 'Ascending by occurredAt, older late arrivals included.' })
  milestones: ShipmentMilestoneView[];

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

  @ApiProperty({ enum: ['invoice', 'freight_invoice'] })
  kind: string;

  @ApiProperty({ example: '18422.07', description: 'Decimal string, exactly as sent (never a float).' })
  amount: string;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  dueDate: string | null;

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

  @ApiProperty({ example: 'bill_of_lading' })
  documentType: string;

  @ApiProperty(nullableString)
  fileName: string | null;

  @ApiProperty(nullableString)
  url: string | null;

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

  @ApiProperty({ enum: ['loaded', 'unloaded'] })
  status: string;

  @ApiProperty({ ...time, description: '`occurredAt` of the latest event about the container.' })
  lastEventAt: string;

  @ApiProperty({ type: LocationView, nullable: true })
  location: LocationView | null;

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
