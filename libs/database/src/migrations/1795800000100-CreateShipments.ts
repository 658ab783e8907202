import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateShipments1795800000100 implements MigrationInterface {
  name = 'CreateShipments1795800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "shipments" (
        "id" text NOT NULL,
        "status" text,
        "status_at" timestamptz,
        "location" jsonb,
        "estimated_departure_at" timestamptz,
        "estimated_arrival_at" timestamptz,
        "actual_departure_at" timestamptz,
        "actual_arrival_at" timestamptz,
        "container_numbers" text[] NOT NULL DEFAULT '{}',
        "versions" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_shipments" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_shipments_status" ON "shipments" ("status", "id")`);

    await queryRunner.query(`
      CREATE TABLE "shipment_milestones" (
        "shipment_id" text NOT NULL,
        "event_id" text NOT NULL,
        "milestone" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "location" jsonb,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_shipment_milestones" PRIMARY KEY ("shipment_id", "event_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_shipment_milestones_history" ON "shipment_milestones" ("shipment_id", "occurred_at", "event_id")`,
    );
    await queryRunner.query(`CREATE INDEX "idx_shipment_milestones_milestone" ON "shipment_milestones" ("shipment_id", "milestone")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "shipment_milestones"`);
    await queryRunner.query(`DROP TABLE "shipments"`);
  }
}
