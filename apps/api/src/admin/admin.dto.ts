import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ADMIN_RUN_STATUSES } from '@app/admin-runs';
import { DEAD_LETTER_REASONS, EVENT_STATUSES } from '@app/processing';
import { EmptyAsAbsent, PageQuery } from '../http/query.js';

const nullableString = { type: String, nullable: true } as const;
const nullableTime = { type: String, format: 'date-time', nullable: true } as const;

export class DeadLetterListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(DEAD_LETTER_REASONS)
  reason?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: only entries a replay has applied; false: only open ones.' })
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value === '' ? undefined : value))
  @IsOptional()
  @IsBoolean()
  resolved?: boolean;
}

export class DeadLetterView {
  @ApiProperty({ description: 'The entry itself (quarantined bodies have no event id).' })
  id: string;

  @ApiProperty({ ...nullableString, description: 'Null for quarantined bodies.' })
  eventId: string | null;

  @ApiProperty({ enum: DEAD_LETTER_REASONS })
  reason: string;

  @ApiProperty(nullableString)
  lastError: string | null;

  @ApiProperty(nullableString)
  type: string | null;

  @ApiProperty(nullableString)
  category: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  deadLetteredAt: string;

  @ApiProperty()
  attempts: number;

  @ApiProperty()
  replayCount: number;

  @ApiProperty(nullableTime)
  lastReplayedAt: string | null;

  @ApiProperty({ ...nullableTime, description: 'Set once a replay applied the event.' })
  resolvedAt: string | null;

  @ApiProperty({ ...nullableString, description: 'Quarantined bodies: Content-Type they came with.' })
  contentType: string | null;

  @ApiProperty({ ...nullableString, description: 'Quarantined bodies: SHA-256 of the raw bytes.' })
  bodySha256: string | null;
}

export class DeadLetterPage {
  @ApiProperty({ type: [DeadLetterView] })
  items: DeadLetterView[];

  @ApiProperty(nullableString)
  nextCursor: string | null;
}

export class ReplayParams {
  @ApiProperty()
  @IsString()
  @Length(1, 512)
  eventId: string;
}

export class ReplayRequest {
  @ApiProperty({ format: 'date-time', description: 'Inclusive lower bound of occurredAt.' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'Exclusive upper bound of occurredAt (after `from`).' })
  @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional({ type: [String], description: 'Canonical names or raw types; absent: every type.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 256, { each: true })
  types?: string[];

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Go on although payload retention cleared the payloads of some events in the range (else 409 payloads_cleared).',
  })
  @IsOptional()
  @IsBoolean()
  skipClearedPayloads?: boolean;
}

export class RebuildRequest {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Rebuild from the events that still have payloads, although retention cleared some (else 409 payloads_cleared).',
  })
  @IsOptional()
  @IsBoolean()
  skipClearedPayloads?: boolean;
}

export class ClearedPayloadsView {
  @ApiProperty({ description: 'Processed events whose payloads payload retention cleared: skipped.' })
  count: number;

  @ApiProperty(nullableTime)
  firstReceivedAt: string | null;

  @ApiProperty(nullableTime)
  lastReceivedAt: string | null;

  @ApiProperty({ type: [String], description: 'Their ids in order of receipt (the first 1000).' })
  eventIds: string[];
}

export class ReplayResult {
  @ApiProperty()
  eventId: string;

  @ApiProperty({ enum: ['queued', 'already_processed'], description: 'A processed event is never applied twice.' })
  status: 'queued' | 'already_processed';

  @ApiProperty({ enum: EVENT_STATUSES, description: 'The event-log status before the replay.' })
  previousStatus: string;

  @ApiProperty({ ...nullableString, description: 'The BullMQ job that runs it again.' })
  jobId: string | null;
}

export class BulkReplayResult {
  @ApiProperty({ description: 'Stored events in the window whose name or type matched.' })
  matched: number;

  @ApiProperty({ description: 'Put back on their queues (dead, ignored, failed or still queued).' })
  queued: number;

  @ApiProperty({ description: 'Already applied: replaying them would change nothing.' })
  alreadyProcessed: number;

  @ApiPropertyOptional({ type: ClearedPayloadsView, description: 'Present when skipClearedPayloads skipped events.' })
  skippedPayloadsCleared?: ClearedPayloadsView;
}

export class RunParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  runId: string;
}

/** A background admin run: answered at once (202), then read back by its id until it has finished. */
export class AdminRun {
  @ApiProperty({ format: 'uuid' })
  runId: string;

  @ApiProperty({ enum: ['replay', 'rebuild'] })
  kind: string;

  @ApiProperty({ enum: ADMIN_RUN_STATUSES, description: 'A run whose process stopped is `failed` (abandoned); start it again.' })
  status: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the run was asked.' })
  params: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'How far it got; its result once succeeded.' })
  progress: Record<string, unknown> | null;

  @ApiProperty(nullableString)
  error: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty(nullableTime)
  finishedAt: string | null;
}

export class ProjectionRebuildStats {
  @ApiProperty()
  table: string;

  @ApiProperty({ description: 'Rows before the rebuild.' })
  before: number;

  @ApiProperty({ description: 'Rows after the rebuild.' })
  after: number;

  @ApiProperty({ description: 'Rows identical before and after (they keep their createdAt/updatedAt).' })
  unchanged: number;
}

export class RebuildReport {
  @ApiProperty({ description: 'Processed events re-applied.' })
  events: number;

  @ApiProperty({ type: [ProjectionRebuildStats] })
  projections: ProjectionRebuildStats[];

  @ApiPropertyOptional({ type: ClearedPayloadsView, description: 'Present when skipClearedPayloads skipped events.' })
  skippedPayloadsCleared?: ClearedPayloadsView;

  @ApiProperty()
  durationMs: number;
}
