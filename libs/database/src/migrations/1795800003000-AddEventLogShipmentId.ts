import { MigrationInterface, QueryRunner } from 'typeorm';
import { eventShipmentId } from '@app/flexport';

const BATCH = 2000;

/**
 * `event_log.shipment_id`: the shipment each event names, whatever its type (ignored ones included),
 * for a shipment's timeline. Existing rows are filled in batches by the pipeline's own function
 * (eventShipmentId) over the parts of the payload it reads, so old and new rows agree exactly.
 */
export class AddEventLogShipmentId1795800003000 implements MigrationInterface {
  name = 'AddEventLogShipmentId1795800003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_log" ADD "shipment_id" text`);
    let after = '';
    for (;;) {
      const rows: { event_id: string; data: Record<string, unknown> | null }[] = await queryRunner.query(
        `SELECT event_id,
                CASE WHEN jsonb_typeof(payload->'data') = 'object' THEN jsonb_build_object(
                  'shipment_id', payload->'data'->'shipment_id',
                  'shipment', jsonb_build_object('id', payload->'data'->'shipment'->'id'),
                  'resource', jsonb_build_object(
                    '_object', payload->'data'->'resource'->'_object',
                    'id', payload->'data'->'resource'->'id',
                    'shipment', jsonb_build_object('id', payload->'data'->'resource'->'shipment'->'id'),
                    'shipments', CASE jsonb_typeof(payload->'data'->'resource'->'shipments')
                      WHEN 'array' THEN jsonb_build_array(jsonb_build_object('id', payload->'data'->'resource'->'shipments'->0->'id'))
                      WHEN 'object' THEN jsonb_build_object('id', payload->'data'->'resource'->'shipments'->'id')
                    END))
                END AS data
           FROM event_log WHERE event_id > $1 ORDER BY event_id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      const named = rows.map((row) => [row.event_id, eventShipmentId({ data: row.data })] as const).filter(([, id]) => id !== null);
      if (named.length > 0) {
        await queryRunner.query(
          `UPDATE event_log AS e SET shipment_id = u.shipment_id
             FROM unnest($1::text[], $2::text[]) AS u(event_id, shipment_id)
            WHERE e.event_id = u.event_id`,
          [named.map(([eventId]) => eventId), named.map(([, shipmentId]) => shipmentId)],
        );
      }
      after = rows[rows.length - 1].event_id;
    }
    await queryRunner.query(`CREATE INDEX "idx_event_log_shipment" ON "event_log" ("shipment_id", "occurred_at", "event_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_event_log_shipment"`);
    await queryRunner.query(`ALTER TABLE "event_log" DROP COLUMN "shipment_id"`);
  }
}
