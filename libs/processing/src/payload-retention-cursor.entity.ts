import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where the payload-retention sweep stopped: the last processed event it cleared, in (received_at, event_id) order. */
@Entity({ name: 'payload_retention_cursor' })
@Check('chk_payload_retention_cursor_one_row', `"id" = 1`)
export class PayloadRetentionCursorEntity {
  @PrimaryColumn({ type: 'smallint', default: 1, primaryKeyConstraintName: 'pk_payload_retention_cursor' })
  id: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
