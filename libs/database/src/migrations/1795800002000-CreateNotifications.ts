import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1795800002000 implements MigrationInterface {
  name = 'CreateNotifications1795800002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notification_outbox" (
        "shipment_id" text NOT NULL,
        "milestone" text NOT NULL,
        "event_id" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "location" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "relayed_at" timestamptz,
        CONSTRAINT "pk_notification_outbox" PRIMARY KEY ("shipment_id", "milestone"),
        CONSTRAINT "chk_notification_outbox_milestone" CHECK ("milestone" IN ('departed', 'arrived', 'delivered'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_notification_outbox_unrelayed" ON "notification_outbox" ("created_at") WHERE "relayed_at" IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "notification_deliveries" (
        "idempotency_key" text NOT NULL,
        "shipment_id" text NOT NULL,
        "milestone" text NOT NULL,
        "url" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "last_status_code" integer,
        "lease_token" text,
        "lease_until" timestamptz,
        "last_attempt_at" timestamptz,
        "delivered_at" timestamptz,
        "dead_at" timestamptz,
        "replay_count" integer NOT NULL DEFAULT 0,
        "last_replayed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_notification_deliveries" PRIMARY KEY ("idempotency_key"),
        CONSTRAINT "uq_notification_deliveries_target" UNIQUE ("shipment_id", "milestone", "url"),
        CONSTRAINT "fk_notification_deliveries_outbox" FOREIGN KEY ("shipment_id", "milestone")
          REFERENCES "notification_outbox" ("shipment_id", "milestone"),
        CONSTRAINT "chk_notification_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'delivered', 'dead'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_notification_deliveries_status" ON "notification_deliveries" ("status", "updated_at", "idempotency_key")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "notification_deliveries"`);
    await queryRunner.query(`DROP TABLE "notification_outbox"`);
  }
}
