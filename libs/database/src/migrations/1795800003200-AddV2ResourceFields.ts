import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fields of Flexport's v2 invoice, document and container resources. The compact envelope's own
 * fields become nullable: a row first described by a v2 event has no compact `kind`, `amount`,
 * `currency` or `document_type`, and a container first named by a date event has no status yet.
 * Money keeps the unconstrained numeric of `amount`: the exact decimal string that was sent.
 */
export class AddV2ResourceFields1795800003200 implements MigrationInterface {
  name = 'AddV2ResourceFields1795800003200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "kind" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "amount" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "currency" DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE "invoices"
        ADD "name" text,
        ADD "status" text,
        ADD "total_amount" numeric,
        ADD "total_currency" character(3),
        ADD "balance_amount" numeric,
        ADD "balance_currency" character(3),
        ADD "issued_at" timestamptz,
        ADD "voided_at" timestamptz,
        ADD "items" jsonb`);

    await queryRunner.query(`ALTER TABLE "documents" ALTER COLUMN "document_type" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "documents" ADD "memo" text, ADD "archived_at" timestamptz, ADD "uploaded_at" timestamptz`);

    await queryRunner.query(`ALTER TABLE "containers" ALTER COLUMN "status" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "containers" ADD "last_free_day" date, ADD "available_for_pickup_at" timestamptz, ADD "empty_returned_at" timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "containers" WHERE "status" IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "containers" DROP COLUMN "empty_returned_at", DROP COLUMN "available_for_pickup_at", DROP COLUMN "last_free_day"`,
    );
    await queryRunner.query(`ALTER TABLE "containers" ALTER COLUMN "status" SET NOT NULL`);
    await queryRunner.query(`DELETE FROM "documents" WHERE "document_type" IS NULL`);
    await queryRunner.query(`ALTER TABLE "documents" DROP COLUMN "uploaded_at", DROP COLUMN "archived_at", DROP COLUMN "memo"`);
    await queryRunner.query(`ALTER TABLE "documents" ALTER COLUMN "document_type" SET NOT NULL`);
    await queryRunner.query(`DELETE FROM "invoices" WHERE "kind" IS NULL OR "amount" IS NULL OR "currency" IS NULL`);
    await queryRunner.query(`
      ALTER TABLE "invoices"
        DROP COLUMN "items", DROP COLUMN "voided_at", DROP COLUMN "issued_at", DROP COLUMN "balance_currency",
        DROP COLUMN "balance_amount", DROP COLUMN "total_currency", DROP COLUMN "total_amount", DROP COLUMN "status", DROP COLUMN "name"`);
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "currency" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "amount" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "invoices" ALTER COLUMN "kind" SET NOT NULL`);
  }
}
