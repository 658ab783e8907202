import { CreateEventLog1795800000000 } from './1795800000000-CreateEventLog.js';
import { CreateShipments1795800000100 } from './1795800000100-CreateShipments.js';
import { CreateBookings1795800001000 } from './1795800001000-CreateBookings.js';
import { CreatePurchaseOrders1795800001100 } from './1795800001100-CreatePurchaseOrders.js';
import { CreateInvoices1795800001200 } from './1795800001200-CreateInvoices.js';
import { CreateDocuments1795800001300 } from './1795800001300-CreateDocuments.js';
import { CreateContainers1795800001400 } from './1795800001400-CreateContainers.js';
import { CreateNotifications1795800002000 } from './1795800002000-CreateNotifications.js';
import { AddEventLogShipmentId1795800003000 } from './1795800003000-AddEventLogShipmentId.js';
import { AddShipmentExceptions1795800003100 } from './1795800003100-AddShipmentExceptions.js';
import { AddV2ResourceFields1795800003200 } from './1795800003200-AddV2ResourceFields.js';
import { AddEventSource1795800004000 } from './1795800004000-AddEventSource.js';
import { EventPayloadRetention1795800005000 } from './1795800005000-EventPayloadRetention.js';
import { CreateAdminRuns1795800006000 } from './1795800006000-CreateAdminRuns.js';
import { IndexOpenDeadLetters1795800006100 } from './1795800006100-IndexOpenDeadLetters.js';
import { KeepTimelineLocation1795800007000 } from './1795800007000-KeepTimelineLocation.js';

/** Every committed migration, in order. Add new ones at the end. */
export const MIGRATIONS = [
  CreateEventLog1795800000000,
  CreateShipments1795800000100,
  CreateBookings1795800001000,
  CreatePurchaseOrders1795800001100,
  CreateInvoices1795800001200,
  CreateDocuments1795800001300,
  CreateContainers1795800001400,
  CreateNotifications1795800002000,
  AddEventLogShipmentId1795800003000,
  AddShipmentExceptions1795800003100,
  AddV2ResourceFields1795800003200,
  AddEventSource1795800004000,
  EventPayloadRetention1795800005000,
  CreateAdminRuns1795800006000,
  IndexOpenDeadLetters1795800006100,
  KeepTimelineLocation1795800007000,
];
