import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each event came from: `webhook`, or `reconcile` for one a reconciliation run found missing.
 * Existing rows take the default, which satisfies the check, so it is not validated against them
 * (that would scan the whole event log while holding its lock).
 */
export class AddEventSource1795800004000 implements MigrationInterface {
  name = 'AddEventSource1795800004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" ADD COLUMN "source" text NOT NULL DEFAULT 'webhook'`);
    await queryRunner.query(
      `ALTER TABLE "event_log" ADD CONSTRAINT "chk_event_log_source" CHECK ("source" IN ('webhook', 'reconcile')) NOT VALID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" DROP CONSTRAINT "chk_event_log_source"`);
    await queryRunner.query(`ALTER TABLE "event_log" DROP COLUMN "source"`);
  }
}
