import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const DEAD_LETTER_REASONS = ['invalid_event', 'retries_exhausted', 'quarantined'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * Events that could not be applied, and signed bodies that are not events (quarantined, no event id).
 * Never deleted by the service: a replay only records that it happened and, on success, `resolvedAt`.
 */
@Entity({ name: 'dead_letters' })
@Index('uq_dead_letters_event_id', ['eventId'], { unique: true, where: '"event_id" IS NOT NULL' })
@Index('uq_dead_letters_quarantined_body', ['bodySha256'], { unique: true, where: `"reason" = 'quarantined'` })
@Index('idx_dead_letters_created', ['createdAt', 'id'])
@Index('idx_dead_letters_open', ['reason'], { where: '"resolved_at" IS NULL' })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_dead_letters' })
  id: string;

  @Column({ name: 'event_id', type: 'text', nullable: true })
  eventId: string | null;

  @Column({ type: 'text' })
  reason: DeadLetterReason;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'text', nullable: true })
  type: string | null;

  @Column({ type: 'text', nullable: true })
  category: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** The parsed envelope; null for quarantined bodies, which keep their raw bytes instead. */
  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Column({ name: 'raw_body', type: 'bytea', nullable: true })
  rawBody: Buffer | null;

  @Column({ name: 'content_type', type: 'text', nullable: true })
  contentType: string | null;

  @Column({ name: 'body_sha256', type: 'text', nullable: true })
  bodySha256: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When the entry last went dead (an event replayed and failing again updates its entry). */
  @Column({ name: 'dead_lettered_at', type: 'timestamptz' })
  deadLetteredAt: Date;

  @Column({ name: 'replay_count', type: 'integer', default: 0 })
  replayCount: number;

  @Column({ name: 'last_replayed_at', type: 'timestamptz', nullable: true })
  lastReplayedAt: Date | null;

  /** Set when a replay applied the event. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
