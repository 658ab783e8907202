import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventLog1795800000000 implements MigrationInterface {
  name = 'CreateEventLog1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "event_log" (
        "event_id" text NOT NULL,
        "type" text NOT NULL,
        "category" text NOT NULL,
        "name" text,
        "occurred_at" timestamptz,
        "received_at" timestamptz NOT NULL,
        "payload" jsonb NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "processed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_event_log" PRIMARY KEY ("event_id"),
        CONSTRAINT "chk_event_log_status" CHECK ("status" IN ('queued', 'processed', 'ignored', 'failed', 'dead'))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_event_log_status_received" ON "event_log" ("status", "received_at", "event_id")`);
    await queryRunner.query(`CREATE INDEX "idx_event_log_type_received" ON "event_log" ("type", "received_at", "event_id")`);
    await queryRunner.query(`CREATE INDEX "idx_event_log_received" ON "event_log" ("received_at", "event_id")`);
    await queryRunner.query(`CREATE INDEX "idx_event_log_occurred" ON "event_log" ("occurred_at")`);

    await queryRunner.query(`
      CREATE TABLE "dead_letters" (
        "id" bigserial NOT NULL,
        "event_id" text,
        "reason" text NOT NULL,
        "last_error" text,
        "type" text,
        "category" text,
        "received_at" timestamptz NOT NULL,
        "payload" jsonb,
        "raw_body" bytea,
        "content_type" text,
        "body_sha256" text,
        "attempts" integer NOT NULL DEFAULT 0,
        "dead_lettered_at" timestamptz NOT NULL,
        "replay_count" integer NOT NULL DEFAULT 0,
        "last_replayed_at" timestamptz,
        "resolved_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_dead_letters" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_dead_letters_event_id" ON "dead_letters" ("event_id") WHERE "event_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_dead_letters_quarantined_body" ON "dead_letters" ("body_sha256") WHERE "reason" = 'quarantined'`,
    );
    await queryRunner.query(`CREATE INDEX "idx_dead_letters_created" ON "dead_letters" ("created_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dead_letters"`);
    await queryRunner.query(`DROP TABLE "event_log"`);
  }
}
