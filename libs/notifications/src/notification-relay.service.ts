import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { DefaultJobOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { TypedConfigService } from '@app/config';
import { errorMessage } from '@app/processing';
import { queryRows } from '@app/database';
import { JobName, QueueName } from '@app/queue';
import { deliveryKey, NotifiedMilestone, notifyJobId, NotifyJobData } from './notification.js';
import { NOTIFICATION_JOB_POLICY, NOTIFICATION_RELAY_POLICY } from './notification-policy.js';
import type { RelayOptions } from './notification-policy.js';
import { OutboxCommitSignal } from './outbox-commit.signal.js';

const SHUTDOWN_WAIT_MS = 5000;

/**
 * Moves outbox rows onto the notifications queue: one job per (shipment, milestone, URL), with a
 * deterministic job id. Runs right after a commit that wrote outbox rows and on a periodic sweep
 * (rows written by a process that crashed before relaying, or by another process). Several relays
 * may take the same rows: the job id makes the second add a no-op, and the delivery row makes even
 * a re-added job (after the first was removed) skip what was delivered.
 */
@Injectable()
export class NotificationRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationRelay.name);
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
    @Inject(ConfigService) private readonly config: TypedConfigService,
    private readonly signal: OutboxCommitSignal,
    @Inject(NOTIFICATION_JOB_POLICY) private readonly jobOptions: DefaultJobOptions,
    @Inject(NOTIFICATION_RELAY_POLICY) private readonly options: RelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.onCommitted(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.options.sweepIntervalMs).unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    if (this.running) {
      await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
    }
  }

  /** Relays now, or right after the run in progress: kicks never overlap and never get lost. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
  }

  /** Relays every pending row; returns how many outbox rows were relayed. */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const relayed = await this.relayBatch();
        total += relayed;
        if (relayed < this.options.batchSize || this.stopped) return total;
      }
    } catch (error) {
      this.logger.warn({ msg: 'notification relay failed; the next sweep retries', error: errorMessage(error) });
      return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const manager = this.dataSource.manager;
    const rows = await queryRows<{ shipment_id: string; milestone: NotifiedMilestone }>(
      manager,
      `SELECT shipment_id, milestone FROM notification_outbox
        WHERE relayed_at IS NULL
        ORDER BY created_at, shipment_id, milestone
        LIMIT $1`,
      [this.options.batchSize],
    );
    if (rows.length === 0) return 0;
    const { notifyWebhookUrls } = this.config.get('app', { infer: true });
    const jobs: NotifyJobData[] = rows.flatMap((row) =>
      notifyWebhookUrls.map((url) => ({
        deliveryKey: deliveryKey(row.shipment_id, row.milestone, url),
        shipmentId: row.shipment_id,
        milestone: row.milestone,
        url,
      })),
    );
    if (jobs.length > 0) {
      await queryRows(
        manager,
        `INSERT INTO notification_deliveries (idempotency_key, shipment_id, milestone, url)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT DO NOTHING`,
        [jobs.map((j) => j.deliveryKey), jobs.map((j) => j.shipmentId), jobs.map((j) => j.milestone), jobs.map((j) => j.url)],
      );
      await this.queue.addBulk(
        jobs.map((data) => ({ name: JobName.Notify, data, opts: { ...this.jobOptions, jobId: notifyJobId(data.deliveryKey) } })),
      );
    }
    await queryRows(
      manager,
      `UPDATE notification_outbox SET relayed_at = now()
        WHERE relayed_at IS NULL
          AND (shipment_id, milestone) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [rows.map((row) => row.shipment_id), rows.map((row) => row.milestone)],
    );
    this.logger.log({ msg: 'notifications relayed', milestones: rows.length, jobs: jobs.length });
    return rows.length;
  }
}
