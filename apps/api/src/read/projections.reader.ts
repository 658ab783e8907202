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

const money = (amount: string | null, currency: string | null) => (amount === null || currency === null ? null : { amount, currency });

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

  /** `numeric::text` keeps each decimal exactly as stored; `due_date::text` is the calendar date, no time zone. */
  async invoice(id: string): Promise<InvoiceView | null> {
    const row = await this.one<
      Written & {
        id: string;
        shipment_id: string | null;
        kind: string | null;
        amount: string | null;
        currency: string | null;
        due_date: string | null;
        name: string | null;
        status: string | null;
        total_amount: string | null;
        total_currency: string | null;
        balance_amount: string | null;
        balance_currency: string | null;
        issued_at: Date | null;
        voided_at: Date | null;
        items: unknown[] | null;
      }
    >(
      `SELECT id, shipment_id, kind, amount::text AS amount, trim(currency) AS currency, due_date::text AS due_date,
              name, status, total_amount::text AS total_amount, trim(total_currency) AS total_currency,
              balance_amount::text AS balance_amount, trim(balance_currency) AS balance_currency, issued_at, voided_at, items,
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
        name: row.name,
        status: row.status,
        total: money(row.total_amount, row.total_currency),
        balance: money(row.balance_amount, row.balance_currency),
        issuedAt: iso(row.issued_at),
        voidedAt: iso(row.voided_at),
        items: row.items,
        ...times(row),
      }
    );
  }

  async document(id: string): Promise<DocumentView | null> {
    const row = await this.one<
      Written & {
        id: string;
        shipment_id: string | null;
        document_type: string | null;
        file_name: string | null;
        url: string | null;
        memo: string | null;
        archived_at: Date | null;
        uploaded_at: Date | null;
      }
    >(
      `SELECT id, shipment_id, document_type, file_name, url, memo, archived_at, uploaded_at, last_event_at, created_at, updated_at
         FROM documents WHERE id = $1`,
      id,
    );
    return (
      row && {
        id: row.id,
        shipmentId: row.shipment_id,
        documentType: row.document_type,
        fileName: row.file_name,
        url: row.url,
        memo: row.memo,
        archivedAt: iso(row.archived_at),
        uploadedAt: iso(row.uploaded_at),
        ...times(row),
      }
    );
  }

  async container(containerNumber: string): Promise<ContainerView | null> {
    const row = await this.one<
      Written & {
        container_number: string;
        shipment_id: string | null;
        status: string | null;
        location: Location | null;
        last_free_day: string | null;
        available_for_pickup_at: Date | null;
        empty_returned_at: Date | null;
      }
    >(
      `SELECT container_number, shipment_id, status, location, last_free_day::text AS last_free_day, available_for_pickup_at,
              empty_returned_at, last_event_at, created_at, updated_at
         FROM containers WHERE container_number = $1`,
      containerNumber,
    );
    return (
      row && {
        containerNumber: row.container_number,
        shipmentId: row.shipment_id,
        status: row.status,
        location: row.location,
        lastFreeDay: row.last_free_day,
        availableForPickupAt: iso(row.available_for_pickup_at),
        emptyReturnedAt: iso(row.empty_returned_at),
        ...times(row),
      }
    );
  }

  private async one<T>(sql: string, key: string): Promise<T | null> {
    const rows: T[] = await this.dataSource.query(sql, [key]);
    return rows[0] ?? null;
  }
}
