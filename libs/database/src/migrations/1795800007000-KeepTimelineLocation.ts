import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A shipment's timeline shows each event's location, read from its payload. Payload retention clears
 * payloads; it now keeps that one field here first, so the timeline stays whole.
 */
export class KeepTimelineLocation1795800007000 implements MigrationInterface {
  name = 'KeepTimelineLocation1795800007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" ADD COLUMN "timeline_location" jsonb`);
    // Payloads already cleared have lost their location: nothing to fill in.
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" DROP COLUMN "timeline_location"`);
  }
}
