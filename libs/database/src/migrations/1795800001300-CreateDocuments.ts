import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDocuments1795800001300 implements MigrationInterface {
  name = 'CreateDocuments1795800001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "documents" (
        "id" text NOT NULL,
        "shipment_id" text,
        "document_type" text NOT NULL,
        "file_name" text,
        "url" text,
        "last_event_at" timestamptz NOT NULL,
        "versions" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_documents" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_documents_shipment_id" ON "documents" ("shipment_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "documents"`);
  }
}
