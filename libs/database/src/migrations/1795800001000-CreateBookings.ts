import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBookings1795800001000 implements MigrationInterface {
  name = 'CreateBookings1795800001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "bookings" (
        "id" text NOT NULL,
        "shipment_id" text,
        "status" text NOT NULL,
        "details" jsonb NOT NULL,
        "last_event_at" timestamptz NOT NULL,
        "versions" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_bookings" PRIMARY KEY ("id"),
        CONSTRAINT "chk_bookings_status" CHECK ("status" IN ('confirmed', 'amended'))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_bookings_shipment_id" ON "bookings" ("shipment_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "bookings"`);
  }
}
