import { MigrationInterface, QueryRunner } from 'typeorm';

/** /metrics counts the open dead letters by reason on every scrape: from this index, never the whole table. */
export class IndexOpenDeadLetters1795800006100 implements MigrationInterface {
  name = 'IndexOpenDeadLetters1795800006100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_dead_letters_open" ON "dead_letters" ("reason") WHERE "resolved_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_dead_letters_open"`);
  }
}
