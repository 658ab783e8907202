import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Location } from '@app/flexport';
import { iso } from '@app/database';
import type { BookingView, ContainerView, DocumentView, InvoiceView, PurchaseOrderView } from './views.js';

interface Written {
  last_event_at: Date;
  created_at: Date;
  updated_at: Date;
}

const times = (row: Written) => ({
  lastEventAt: iso(row.last_event_at)!,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});

/** Reads the booking, purchase-order, invoice, document and container projections. Never writes. */
@Injectable()
export class ProjectionsReader {
  constructor(private readonly dataSource: DataSource) {}

  async booking(id: string): Promise<BookingView | null> {
    const row = await this.one<Written & { id: string; shipment_id: string | null; status: string; details: Record<string, unknown> }>(
      'SELECT id, shipment_id, status, details, last_event_at, created_at, updated_at FROM bookings WHERE id = $1',
      id,
    );
    return row && { id: row.id, shipmentId: row.shipment_id, status: row.status, details: row.details, ...times(row) };
  }

  async purchaseOrder(id: string): Promise<PurchaseOrderView | null> {
    const row = await this.one<
      Written & { id: string; number: string | null; status: string; line_items: unknown[] | null; details: Record<string, unknown> }
    >('SELECT id, number, status, line_items, details, last_event_at, created_at, updated_at FROM purchase_orders WHERE id = $1', id);
    return row && { id: row.id, number: row.number, status: row.status, lineItems: row.line_items, details: row.details, ...times(row) };
  }

  /** `amount::text` keeps the decimal exactly as stored; `due_date::text` is the calendar date, no time zone. */
  async invoice(id: string): Promise<InvoiceView | null> {
    const row = await this.one<
      Written & { id: string; shipment_id: string | null; kind: string; amount: string; currency: string; due_date: string | null }
    >(
      `SELECT id, shipment_id, kind, amount::text AS amount, trim(currency) AS currency, due_date::text AS due_date,
              last_event_at, created_at, updated_at
         FROM invoices WHERE id = $1`,
      id,
    );
    return (
      row && {
        id: row.id,
        shipmentId: row.shipment_id,
        kind: row.kind,
        amount: row.amount,
        currency: row.currency,
        dueDate: row.due_date,
        ...times(row),
      }
    );
  }

  async document(id: string): Promise<DocumentView | null> {
    const row = await this.one<
      Written & { id: string; shipment_id: string | null; document_type: string; file_name: string | null; url: string | null }
    >('SELECT id, shipment_id, document_type, file_name, url, last_event_at, created_at, updated_at FROM documents WHERE id = $1', id);
    return (
      row && {
        id: row.id,
        shipmentId: row.shipment_id,
        documentType: row.document_type,
        fileName: row.file_name,
        url: row.url,
        ...times(row),
      }
    );
  }

  async container(containerNumber: string): Promise<ContainerView | null> {
    const row = await this.one<
      Written & { container_number: string; shipment_id: string | null; status: string; location: Location | null }
    >(
      `SELECT container_number, shipment_id, status, location, last_event_at, created_at, updated_at
         FROM containers WHERE container_number = $1`,
      containerNumber,
    );
    return (
      row && {
        containerNumber: row.container_number,
        shipmentId: row.shipment_id,
        status: row.status,
        location: row.location,
        ...times(row),
      }
    );
  }

  private async one<T>(sql: string, key: string): Promise<T | null> {
    const rows: T[] = await this.dataSource.query(sql, [key]);
    return rows[0] ?? null;
  }
}
