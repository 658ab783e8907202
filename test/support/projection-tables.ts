/** Every projection table the domain modules own: what a rebuild rewrites and the end-to-end checks compare. */
export const PROJECTION_TABLES = [
  'shipments',
  'shipment_milestones',
  'shipment_exceptions',
  'bookings',
  'purchase_orders',
  'invoices',
  'documents',
  'containers',
] as const;
