import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePurchaseOrders1795800001100 implements MigrationInterface {
  name = 'CreatePurchaseOrders1795800001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "purchase_orders" (
        "id" text NOT NULL,
        "number" text,
        "status" text NOT NULL,
        "line_items" jsonb,
        "details" jsonb NOT NULL,
        "last_event_at" timestamptz NOT NULL,
        "versions" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_purchase_orders" PRIMARY KEY ("id"),
        CONSTRAINT "chk_purchase_orders_status" CHECK ("status" IN ('open', 'archived'))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_purchase_orders_number" ON "purchase_orders" ("number")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "purchase_orders"`);
  }
}
