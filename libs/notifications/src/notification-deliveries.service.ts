import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DefaultJobOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { iso, queryRows } from '@app/database';
import { JobName, QueueName } from '@app/queue';
import { NotifiedMilestone, notifyJobId, NotifyJobData } from './notification.js';
import { NOTIFICATION_JOB_POLICY } from './notification-policy.js';
import type { DeliveryStatus } from './notification-delivery.entity.js';

export interface NotificationDeliveryView {
  idempotencyKey: string;
  shipmentId: string;
  milestone: NotifiedMilestone;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
  deadAt: string | null;
  replayCount: number;
  updatedAt: string;
}

export type ReplayResult = { outcome: 'requeued'; jobId: string } | { outcome: 'delivered' | 'in_progress' | 'not_found' };

interface DeliveryRow {
  idempotency_key: string;
  shipment_id: string;
  milestone: NotifiedMilestone;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
  delivered_at: Date | null;
  dead_at: Date | null;
  replay_count: number;
  updated_at: Date;
}

/**
 * Reading and replaying deliveries, for the admin API. No queue consumer: safe in the API process
 * (it only adds jobs). Dead deliveries are the notifications' dead letters.
 */
@Injectable()
export class NotificationDeliveriesService {
  private readonly logger = new Logger(NotificationDeliveriesService.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
    @Inject(NOTIFICATION_JOB_POLICY) private readonly jobOptions: DefaultJobOptions,
  ) {}

  async list(options: { status?: DeliveryStatus; shipmentId?: string; limit?: number } = {}): Promise<NotificationDeliveryView[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
    const rows = await queryRows<DeliveryRow>(
      this.dataSource.manager,
      `SELECT * FROM notification_deliveries
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR shipment_id = $2)
        ORDER BY updated_at DESC, idempotency_key LIMIT $3`,
      [options.status ?? null, options.shipmentId ?? null, limit],
    );
    return rows.map((row) => ({
      idempotencyKey: row.idempotency_key,
      shipmentId: row.shipment_id,
      milestone: row.milestone,
      url: row.url,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      lastStatusCode: row.last_status_code,
      deliveredAt: iso(row.delivered_at),
      deadAt: iso(row.dead_at),
      replayCount: row.replay_count,
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  /**
   * Sends a dead delivery again, as a fresh job with a full retry budget (same body, same
   * Idempotency-Key). Also revives one stuck `pending` or `sending` past its lease (a job lost to
   * repeated worker crashes). A delivered one is left alone.
   */
  async replay(idempotencyKey: string): Promise<ReplayResult> {
    const [row] = await queryRows<{ shipment_id: string; milestone: NotifiedMilestone; url: string; replay_count: number }>(
      this.dataSource.manager,
      `UPDATE notification_deliveries
          SET status = 'pending', lease_until = NULL, replay_count = replay_count + 1, last_replayed_at = now(), updated_at = now()
        WHERE idempotency_key = $1
          AND (status IN ('dead', 'pending') OR (status = 'sending' AND lease_until < now()))
        RETURNING shipment_id, milestone, url, replay_count`,
      [idempotencyKey],
    );
    if (!row) {
      const [current] = await queryRows<{ status: DeliveryStatus }>(
        this.dataSource.manager,
        'SELECT status FROM notification_deliveries WHERE idempotency_key = $1',
        [idempotencyKey],
      );
      if (!current) return { outcome: 'not_found' };
      return { outcome: current.status === 'delivered' ? 'delivered' : 'in_progress' };
    }
    const data: NotifyJobData = { deliveryKey: idempotencyKey, shipmentId: row.shipment_id, milestone: row.milestone, url: row.url };
    const jobId = notifyJobId(idempotencyKey, row.replay_count);
    await this.queue.add(JobName.Notify, data, { ...this.jobOptions, jobId });
    this.logger.log({ msg: 'notification replay queued', deliveryKey: idempotencyKey, jobId });
    return { outcome: 'requeued', jobId };
  }
}
