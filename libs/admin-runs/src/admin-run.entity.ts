import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ADMIN_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type AdminRunStatus = (typeof ADMIN_RUN_STATUSES)[number];

/**
 * One background operation an operator started (a replay, a rebuild, a reconciliation): what it was
 * asked, how far it got and how it ended. At most one `running` row per kind (the partial unique
 * index): that is what makes a run the only one of its kind across every API process.
 */
@Entity({ name: 'admin_runs' })
@Check('chk_admin_runs_status', `"status" IN ('running', 'succeeded', 'failed')`)
@Index('uq_admin_runs_running', ['kind'], { unique: true, where: `"status" = 'running'` })
@Index('idx_admin_runs_kind_started', ['kind', 'startedAt'])
export class AdminRunEntity {
  /** A random UUID, made by the service (no database extension needed). */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_admin_runs' })
  id: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text', default: 'running' })
  status: AdminRunStatus;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  params: Record<string, unknown>;

  /** What the run has done so far; its result once it succeeded. */
  @Column({ type: 'jsonb', nullable: true })
  progress: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  /** Refreshed while the run's process works on it; a stale one means that process is gone. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' })
  heartbeatAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
