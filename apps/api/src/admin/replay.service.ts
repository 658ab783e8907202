import { Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunContext, throwIfStopped } from '@app/admin-runs';
import type { TypedConfigService } from '@app/config';
import { EventPipeline } from '@app/processing';
import { CATEGORY_QUEUES, eventJobId, JobName } from '@app/queue';
import { QueueRegistry, withinMs } from '../queue-registry.js';
import type { BulkReplayResult, ReplayRequest, ReplayResult } from './admin.dto.js';

const BATCH = 500;

/** A job id BullMQ has not seen, so a replay is never deduplicated against the event's first job. */
export function replayJobId(eventId: string, at = Date.now()): string {
  return `${eventJobId(eventId)}-replay-${at.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Replays stored events through the queues, so the worker runs them with its retry policy. The event
 * log row goes back to `queued` first (EventPipeline.prepareReplay): the job then applies an event the
 * log held as dead, ignored or failed. A processed event is never applied twice, so it is not re-queued.
 */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger(ReplayService.name);
  private readonly timeoutMs: number;

  constructor(
    private readonly pipeline: EventPipeline,
    private readonly queues: QueueRegistry,
    private readonly dataSource: DataSource,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.timeoutMs = config.get('app', { infer: true }).redisCommandTimeoutMs;
  }

  async replay(eventId: string): Promise<ReplayResult> {
    const prepared = await this.pipeline.prepareReplay(eventId);
    if (!prepared) throw new NotFoundException({ error: 'not_found', message: `event ${eventId} not found` });
    if (prepared.previousStatus === 'processed') {
      return { eventId, status: 'already_processed', previousStatus: 'processed', jobId: null };
    }
    const jobId = replayJobId(eventId);
    const queue = this.queues.get(CATEGORY_QUEUES[prepared.data.category]);
    try {
      await withinMs(this.timeoutMs, queue.add(JobName.Event, prepared.data, { jobId }));
    } catch (error) {
      // The row stays `queued`; replaying again re-queues it.
      this.logger.error({ msg: 'replay not queued: redis unavailable', eventId, error: (error as Error).message });
      throw new ServiceUnavailableException({ error: 'queue_unavailable', message: 'the replay could not be queued; retry' });
    }
    this.logger.log({ msg: 'event replay queued', eventId, jobId, previousStatus: prepared.previousStatus });
    return { eventId, status: 'queued', previousStatus: prepared.previousStatus, jobId };
  }

  /**
   * Every stored event with occurredAt in [from, to) whose canonical name or raw type is in `types`,
   * as a background admin run: its counts are recorded as it goes.
   */
  async replayMatching(request: ReplayRequest, run: RunContext<BulkReplayResult>): Promise<BulkReplayResult> {
    const result: BulkReplayResult = { matched: 0, queued: 0, alreadyProcessed: 0 };
    let after = '';
    for (;;) {
      throwIfStopped(run.signal);
      const rows: { event_id: string; status: string }[] = await this.dataSource.query(
        `SELECT event_id, status FROM event_log
          WHERE event_id > $1
            AND ($2::timestamptz IS NULL OR occurred_at >= $2)
            AND ($3::timestamptz IS NULL OR occurred_at < $3)
            AND ($4::text[] IS NULL OR name = ANY($4) OR type = ANY($4))
          ORDER BY event_id
          LIMIT ${BATCH}`,
        [after, request.from, request.to, request.types ?? null],
      );
      for (const row of rows) {
        result.matched++;
        if (row.status === 'processed') {
          result.alreadyProcessed++;
          continue;
        }
        const outcome = await this.replay(row.event_id);
        if (outcome.status === 'queued') result.queued++;
        else result.alreadyProcessed++;
      }
      run.progress({ ...result });
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].event_id;
    }
    this.logger.log({ msg: 'events replay queued', ...request, ...result });
    return result;
  }
}
