import { MigrationInterface, QueryRunner } from 'typeorm';

/** Background admin runs, and the schema a projection rebuild builds its shadow tables in. */
export class CreateAdminRuns1795800006000 implements MigrationInterface {
  name = 'CreateAdminRuns1795800006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "admin_runs" (
        "id" uuid NOT NULL,
        "kind" text NOT NULL,
        "status" text NOT NULL DEFAULT 'running',
        "params" jsonb NOT NULL DEFAULT '{}',
        "progress" jsonb,
        "error" text,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "heartbeat_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        CONSTRAINT "pk_admin_runs" PRIMARY KEY ("id"),
        CONSTRAINT "chk_admin_runs_status" CHECK ("status" IN ('running', 'succeeded', 'failed'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_admin_runs_running" ON "admin_runs" ("kind") WHERE "status" = 'running'`);
    await queryRunner.query(`CREATE INDEX "idx_admin_runs_kind_started" ON "admin_runs" ("kind", "started_at")`);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "projection_rebuild"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS "projection_rebuild" CASCADE`);
    await queryRunner.query(`DROP TABLE "admin_runs"`);
  }
}
