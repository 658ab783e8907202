import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A shipment's exceptions (delays and customs holds, each event once), its customs status and its
 * cargo ready date. Shipments already cleared by customs get `customs_status = 'released'` with the
 * version of their latest customs_cleared milestone, exactly as re-applying their events would set it.
 */
export class AddShipmentExceptions1795800003100 implements MigrationInterface {
  name = 'AddShipmentExceptions1795800003100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shipments" ADD "customs_status" text`);
    await queryRunner.query(`ALTER TABLE "shipments" ADD "cargo_ready_date" date`);
    await queryRunner.query(
      `ALTER TABLE "shipments" ADD CONSTRAINT "chk_shipments_customs_status" CHECK ("customs_status" IN ('held', 'released'))`,
    );
    await queryRunner.query(`
      CREATE TABLE "shipment_exceptions" (
        "shipment_id" text NOT NULL,
        "event_id" text NOT NULL,
        "kind" text NOT NULL,
        "reason" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_shipment_exceptions" PRIMARY KEY ("shipment_id", "event_id"),
        CONSTRAINT "chk_shipment_exceptions_kind" CHECK ("kind" IN ('delay', 'customs_hold'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_shipment_exceptions_history" ON "shipment_exceptions" ("shipment_id", "occurred_at", "event_id")`,
    );
    // The winning customs_cleared of each shipment: latest occurredAt, then the larger eventId (compared as JavaScript does).
    await queryRunner.query(`
      UPDATE "shipments" AS s
         SET customs_status = 'released',
             versions = s.versions || jsonb_build_object('customsStatus', jsonb_build_object(
               'occurredAt', to_char(m.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'name', 'customs_cleared',
               'eventId', m.event_id))
        FROM (SELECT DISTINCT ON (shipment_id) shipment_id, occurred_at, event_id
                FROM "shipment_milestones"
               WHERE milestone = 'customs_cleared'
               ORDER BY shipment_id, occurred_at DESC, event_id COLLATE "C" DESC) AS m
       WHERE s.id = m.shipment_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "shipment_exceptions"`);
    await queryRunner.query(`UPDATE "shipments" SET versions = versions - 'customsStatus' - 'cargoReadyDate'`);
    await queryRunner.query(`ALTER TABLE "shipments" DROP CONSTRAINT "chk_shipments_customs_status"`);
    await queryRunner.query(`ALTER TABLE "shipments" DROP COLUMN "cargo_ready_date"`);
    await queryRunner.query(`ALTER TABLE "shipments" DROP COLUMN "customs_status"`);
  }
}
