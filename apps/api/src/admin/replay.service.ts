import { Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunContext, throwIfStopped } from '@app/admin-runs';
import type { TypedConfigService } from '@app/config';
import { ClearedPayloads, EventPipeline, EventReplayQueries, ReplayCursor } from '@app/processing';
import { CATEGORY_QUEUES, eventJobId, JobName, withinMs } from '@app/queue';
import { QueueRegistry } from '../queue-registry.js';
import type { BulkReplayResult, ReplayRequest, ReplayResult } from './admin.dto.js';
import { payloadsToSkip } from './payloads-cleared.js';

const BATCH = 500;

export interface ReplayOptions {
  /**
   * Payload retention may have cleared the payloads of some processed events in the range. A replay
   * never re-runs a processed event, but it refuses such a range (409 `payloads_cleared`) unless told
   * to go on without them; it then lists them in `skippedPayloadsCleared`.
   */
  skipClearedPayloads?: boolean;
}

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
    private readonly replays: EventReplayQueries,
    @Inject(ConfigService) config: TypedConfigService,
  ) {
    this.timeoutMs = config.get('app', { infer: true }).redisCommandTimeoutMs;
  }

  async replay(eventId: string): Promise<ReplayResult> {
    const prepared = await this.pipeline.prepareReplay(eventId);
    if (!prepared) throw new NotFoundException({ error: 'not_found', message: `event ${eventId} not found` });
    if (prepared.previousStatus === 'processed' || prepared.data === null) {
      return { eventId, status: 'already_processed', previousStatus: prepared.previousStatus, jobId: null };
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
   * The processed events of a replay's range whose payloads retention cleared. A replay never re-runs
   * a processed event, but it refuses such a range (409 `payloads_cleared`, before any run starts)
   * unless told to go on without them. Null when there are none.
   */
  async clearedPayloadsIn(request: ReplayRequest, options: ReplayOptions = {}): Promise<ClearedPayloads | null> {
    const cleared = await this.replays.clearedPayloads(this.dataSource.manager, {
      from: request.from,
      to: request.to,
      types: request.types,
    });
    return payloadsToSkip('range', cleared, options.skipClearedPayloads);
  }

  /**
   * Every stored event with occurredAt in [from, to) whose canonical name or raw type is in `types`,
   * as a background admin run: its counts are recorded as it goes. Events whose payloads were cleared
   * (`skipped`, from clearedPayloadsIn) are counted and listed, never re-run.
   */
  async replayMatching(
    request: ReplayRequest,
    run: RunContext<BulkReplayResult>,
    skipped: ClearedPayloads | null = null,
  ): Promise<BulkReplayResult> {
    const result: BulkReplayResult = { matched: skipped?.count ?? 0, queued: 0, alreadyProcessed: 0 };
    if (skipped) result.skippedPayloadsCleared = skipped;
    let after: ReplayCursor | null = null;
    for (;;) {
      throwIfStopped(run.signal);
      const rows = await this.replays.selectForReplay(this.dataSource.manager, {
        from: request.from,
        to: request.to,
        types: request.types,
        after,
        limit: BATCH,
        withPayload: true,
      });
      for (const row of rows) {
        result.matched++;
        if (row.status === 'processed') {
          result.alreadyProcessed++;
          continue;
        }
        const outcome = await this.replay(row.eventId);
        if (outcome.status === 'queued') result.queued++;
        else result.alreadyProcessed++;
      }
      run.progress({ ...result });
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1];
    }
    this.logger.log({ msg: 'events replay queued', ...request, ...result, skippedPayloadsCleared: skipped?.count ?? 0 });
    return result;
  }
}
