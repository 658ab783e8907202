import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';
import type { FieldVersions, VersionedRow } from '@app/versions';

/**
 * The columns every projection table shares: which event set each field (`versions`), when the latest
 * event about the row occurred, and when the row was first and last written (by the database).
 */
export abstract class ProjectionEntity implements VersionedRow {
  /** `occurredAt` of the latest event applied to the row (`created_at`/`updated_at` are when the row was written). */
  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt: Date;

  @Column({ type: 'jsonb' })
  versions: FieldVersions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A projection row as the state rules see it: without the times the database stamps. */
export type ProjectionState<E extends ProjectionEntity> = Omit<E, 'createdAt' | 'updatedAt'>;
