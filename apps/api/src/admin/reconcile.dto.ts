import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsString, Length } from 'class-validator';
import { RECONCILE_RUN_STATUSES, type ReconcileAccepted, type ReconcileRunView } from '@app/reconciliation';

const time = { type: String, format: 'date-time' } as const;
const nullableTime = { ...time, nullable: true } as const;

/** Both times are checked together by parseWindow (offset required, real dates, from before to). */
export class ReconcileRequestBody {
  @ApiProperty({ ...time, example: '2026-03-01T00:00:00Z', description: 'Lower bound of occurred_at (included).' })
  @Allow()
  from: unknown;

  @ApiProperty({ ...time, example: '2026-03-08T00:00:00Z', description: 'Upper bound of occurred_at (included).' })
  @Allow()
  to: unknown;
}

export class ReconcileRunParams {
  @ApiProperty({ description: 'The `runId` POST /admin/reconcile answered (or a scheduled run’s job id).' })
  @IsString()
  @Length(1, 200)
  runId: string;
}

export class ReconcileAcceptedView implements ReconcileAccepted {
  @ApiProperty()
  runId: string;

  @ApiProperty({ enum: RECONCILE_RUN_STATUSES, example: 'running' })
  status: 'running' | 'succeeded' | 'failed';

  @ApiProperty(time)
  from: string;

  @ApiProperty(time)
  to: string;
}

export class ReconcileRunDetails implements ReconcileRunView {
  @ApiProperty()
  runId: string;

  @ApiProperty({ enum: RECONCILE_RUN_STATUSES, description: '`running` also while the run waits for another to finish.' })
  status: 'running' | 'succeeded' | 'failed';

  @ApiProperty({ enum: ['schedule', 'admin'] })
  trigger: 'schedule' | 'admin';

  @ApiProperty({ ...nullableTime, description: 'Null for a scheduled run not started yet.' })
  from: string | null;

  @ApiProperty(nullableTime)
  to: string | null;

  @ApiProperty({ description: 'Events the Events API listed so far.' })
  listed: number;

  @ApiProperty({ description: 'Listed events the service had (event log or queue): nothing changed.' })
  alreadyKnown: number;

  @ApiProperty({ description: 'Listed events it did not have, queued with source `reconcile`.' })
  queued: number;

  @ApiProperty({ description: 'Listed values that are not events, kept as quarantined dead letters.' })
  quarantined: number;

  @ApiProperty({ description: 'Pages of the listing fetched so far.' })
  pages: number;

  @ApiProperty({ ...nullableTime, description: 'Null while the run waits for a worker.' })
  startedAt: string | null;

  @ApiProperty(nullableTime)
  finishedAt: string | null;

  @ApiPropertyOptional({ description: 'Why the run failed.' })
  error?: string;
}
