import { MigrationInterface, QueryRunner } from 'typeorm';

/** `amount` is an unconstrained numeric: it keeps the scale it was sent with and never rounds. */
export class CreateInvoices1795800001200 implements MigrationInterface {
  name = 'CreateInvoices1795800001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "invoices" (
        "id" text NOT NULL,
        "shipment_id" text,
        "kind" text NOT NULL,
        "amount" numeric NOT NULL,
        "currency" character(3) NOT NULL,
        "due_date" date,
        "last_event_at" timestamptz NOT NULL,
        "versions" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_invoices" PRIMARY KEY ("id"),
        CONSTRAINT "chk_invoices_kind" CHECK ("kind" IN ('invoice', 'freight_invoice'))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_invoices_shipment_id" ON "invoices" ("shipment_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "invoices"`);
  }
}
