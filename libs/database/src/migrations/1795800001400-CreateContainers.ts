import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContainers1795800001400 implements MigrationInterface {
  name = 'CreateContainers1795800001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "containers" (
        "container_number" text NOT NULL,
        "shipment_id" text,
        "status" text NOT NULL,
        "last_event_at" timestamptz NOT NULL,
        "location" jsonb,
        "versions" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_containers" PRIMARY KEY ("container_number"),
        CONSTRAINT "chk_containers_status" CHECK ("status" IN ('loaded', 'unloaded'))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_containers_shipment_id" ON "containers" ("shipment_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "containers"`);
  }
}
