import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payload retention (EVENT_PAYLOAD_RETENTION_DAYS): a processed event's payload may be cleared, its row
 * kept. The sweep walks the existing (status, received_at, event_id) index from where it stopped,
 * kept in a one-row table, so the event log needs no index of its own for it.
 */
export class EventPayloadRetention1795800005000 implements MigrationInterface {
  name = 'EventPayloadRetention1795800005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" ALTER COLUMN "payload" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "event_log" ADD COLUMN "payload_cleared_at" timestamptz`);
    await queryRunner.query(
      `ALTER TABLE "event_log" ADD CONSTRAINT "chk_event_log_payload_cleared"
         CHECK (("payload" IS NULL) = ("payload_cleared_at" IS NOT NULL) AND ("payload" IS NOT NULL OR "status" = 'processed'))`,
    );
    await queryRunner.query(`
      CREATE TABLE "payload_retention_cursor" (
        "id" smallint NOT NULL DEFAULT 1,
        "received_at" timestamptz NOT NULL,
        "event_id" text NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_payload_retention_cursor" PRIMARY KEY ("id"),
        CONSTRAINT "chk_payload_retention_cursor_one_row" CHECK ("id" = 1)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "payload_retention_cursor"`);
    await queryRunner.query(`ALTER TABLE "event_log" DROP CONSTRAINT "chk_event_log_payload_cleared"`);
    await queryRunner.query(`ALTER TABLE "event_log" DROP COLUMN "payload_cleared_at"`);
    await queryRunner.query(`ALTER TABLE "event_log" ALTER COLUMN "payload" SET NOT NULL`);
  }
}
