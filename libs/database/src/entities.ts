import { BookingEntity } from '../../bookings/src/booking.entity.js';
import { ContainerEntity } from '../../containers/src/container.entity.js';
import { DocumentEntity } from '../../documents/src/document.entity.js';
import { InvoiceEntity } from '../../invoices/src/invoice.entity.js';
import { ShipmentMilestoneEntity } from '../../milestones/src/shipment-milestone.entity.js';
import { ShipmentEntity } from '../../milestones/src/shipment.entity.js';
import { NotificationDeliveryEntity } from '../../notifications/src/notification-delivery.entity.js';
import { NotificationOutboxEntity } from '../../notifications/src/notification-outbox.entity.js';
import { PurchaseOrderEntity } from '../../purchase-orders/src/purchase-order.entity.js';
import { DeadLetterEntity } from './dead-letter.entity.js';
import { EventLogEntity } from './event-log.entity.js';

/** Every table derived from the event log (what a rebuild recomputes). Not the log, the dead letters or the outbox. */
export const PROJECTION_ENTITIES = [
  ShipmentEntity,
  ShipmentMilestoneEntity,
  BookingEntity,
  PurchaseOrderEntity,
  InvoiceEntity,
  DocumentEntity,
  ContainerEntity,
];

/** Every entity of the service. Entity files are imported directly, never through a lib index (import cycles). */
export const ENTITIES = [EventLogEntity, DeadLetterEntity, ...PROJECTION_ENTITIES, NotificationOutboxEntity, NotificationDeliveryEntity];
