import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { TypedConfigService } from '@app/config';
import { SIGNATURE_256_HEADER, signatureHeaders } from '@app/flexport';
import type { Location } from '@app/flexport';
import { EventCounter, EventMetrics } from '@app/observability';
import { errorMessage } from '@app/processing';
import { queryRows } from '@app/database';
import { MilestoneNotification, notificationBody, NotifyJobData } from './notification.js';
import { leaseMs } from './notification-policy.js';
import { standardWebhookHeaders } from './standard-webhooks.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** A POST that did not get a 2xx answer; thrown after it is recorded, so BullMQ retries the job. */
export class NotificationFailedError extends Error {
  override name = 'NotificationFailedError';
}

export class DeliveryNotFoundError extends Error {
  override name = 'DeliveryNotFoundError';
}

export interface DeliveryAttempt {
  /** The job's id: the owner of the lease while it sends. */
  leaseToken: string;
  /** No retry follows: a failure makes the delivery dead. */
  finalAttempt: boolean;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'skipped'; status: 'delivered' | 'dead' }
  | { kind: 'busy'; retryAt: number }
  | { kind: 'dropped'; reason: 'url_not_configured' };

export const URL_NOT_CONFIGURED = 'dropped: the URL is not in NOTIFY_WEBHOOK_URLS';

interface ClaimedRow {
  url: string;
  shipment_id: string;
  milestone: MilestoneNotification['milestone'];
  occurred_at: Date;
  location: Location | null;
}

interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Sends one notification to one URL at most once in normal operation, and only to a URL configured
 * in this process now: a job naming any other (queued before the URL was removed, or added by hand)
 * is dropped with a log line and a metric, never sent. The delivery row is claimed
 * (status `sending`, a lease owned by the job) before the POST and its outcome recorded after it;
 * a delivered or dead row is skipped, and a row another job is sending is waited for. Only a crash
 * between the POST and the record makes a retry send again, with the same `Idempotency-Key`.
 */
@Injectable()
export class NotifierService {
  private readonly logger = new Logger(NotifierService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ConfigService) private readonly config: TypedConfigService,
    private readonly metrics: EventMetrics,
  ) {}

  async deliver(job: NotifyJobData, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    const { notifySigningSecret, notifyTimeoutMs, notifyWebhookUrls } = this.config.get('app', { infer: true });
    if (!notifyWebhookUrls.includes(job.url)) return this.drop(job);
    const manager = this.dataSource.manager;
    // The relay inserts the row first; this covers a job re-added for a row that is missing.
    await queryRows(
      manager,
      `INSERT INTO notification_deliveries (idempotency_key, shipment_id, milestone, url)
       SELECT $1, o.shipment_id, o.milestone, $4 FROM notification_outbox o WHERE o.shipment_id = $2 AND o.milestone = $3
       ON CONFLICT DO NOTHING`,
      [job.deliveryKey, job.shipmentId, job.milestone, job.url],
    );
    const [claimed] = await queryRows<ClaimedRow>(
      manager,
      `UPDATE notification_deliveries AS d
          SET status = 'sending', lease_token = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000),
              attempts = d.attempts + 1, last_attempt_at = now(), updated_at = now()
         FROM notification_outbox AS o
        WHERE d.idempotency_key = $1
          AND o.shipment_id = d.shipment_id AND o.milestone = d.milestone
          AND (d.status = 'pending' OR (d.status = 'sending' AND d.lease_until < now()))
        RETURNING d.url, d.shipment_id, d.milestone, o.occurred_at, o.location`,
      [job.deliveryKey, attempt.leaseToken, leaseMs(notifyTimeoutMs)],
    );
    if (!claimed) return this.unclaimable(job.deliveryKey);

    const body = notificationBody({
      shipmentId: claimed.shipment_id,
      milestone: claimed.milestone,
      occurredAt: claimed.occurred_at.toISOString(),
      location: claimed.location,
    });
    const result = await this.post(claimed.url, body, job.deliveryKey, notifySigningSecret, notifyTimeoutMs);
    const log = { deliveryKey: job.deliveryKey, shipmentId: job.shipmentId, milestone: job.milestone, statusCode: result.statusCode };

    if (result.ok) {
      // Whoever sent it, a 2xx makes it delivered, even if this job's lease has run out meanwhile.
      await queryRows(
        manager,
        `UPDATE notification_deliveries
            SET status = 'delivered', delivered_at = now(), last_status_code = $2, last_error = NULL,
                lease_until = NULL, updated_at = now()
          WHERE idempotency_key = $1 AND status <> 'delivered'`,
        [job.deliveryKey, result.statusCode],
      );
      this.logger.log({ msg: 'notification delivered', ...log });
      this.metrics.count(EventCounter.NotificationsDelivered, job.milestone);
      return { kind: 'delivered', statusCode: result.statusCode ?? 0 };
    }

    const dead = attempt.finalAttempt;
    await queryRows(
      manager,
      `UPDATE notification_deliveries
          SET status = CASE WHEN $3 THEN 'dead' ELSE 'pending' END,
              dead_at = CASE WHEN $3 THEN now() ELSE dead_at END,
              last_status_code = $4, last_error = $5, lease_until = NULL, updated_at = now()
        WHERE idempotency_key = $1 AND status = 'sending' AND lease_token = $2`,
      [job.deliveryKey, attempt.leaseToken, dead, result.statusCode, result.error],
    );
    this.metrics.count(EventCounter.NotificationsFailed, job.milestone);
    if (dead) this.metrics.count(EventCounter.NotificationsDead, job.milestone);
    if (dead) this.logger.error({ msg: 'notification dead: retries exhausted', ...log, error: result.error });
    else this.logger.warn({ msg: 'notification failed; retrying', ...log, error: result.error });
    throw new NotificationFailedError(result.error ?? 'notification failed');
  }

  /** Before anything is written for it: a forged job must not create a delivery row either. */
  private async drop(job: NotifyJobData): Promise<DeliveryOutcome> {
    await queryRows(
      this.dataSource.manager,
      `UPDATE notification_deliveries SET status = 'dead', dead_at = now(), last_error = $2, lease_until = NULL, updated_at = now()
        WHERE idempotency_key = $1 AND status = 'pending'`,
      [job.deliveryKey, URL_NOT_CONFIGURED],
    );
    this.metrics.count(EventCounter.NotificationDropped, 'url_not_configured');
    // The URL itself is not logged: it may carry a credential of the receiver.
    this.logger.warn({ msg: 'notification dropped: its URL is not configured', deliveryKey: job.deliveryKey, shipmentId: job.shipmentId });
    return { kind: 'dropped', reason: 'url_not_configured' };
  }

  private async unclaimable(key: string): Promise<DeliveryOutcome> {
    const [row] = await queryRows<{ status: string; lease_until: Date | null }>(
      this.dataSource.manager,
      'SELECT status, lease_until FROM notification_deliveries WHERE idempotency_key = $1',
      [key],
    );
    if (!row) throw new DeliveryNotFoundError(`no notification outbox row for delivery ${key}`);
    if (row.status === 'delivered' || row.status === 'dead') return { kind: 'skipped', status: row.status };
    // `sending` under another job's live lease (or just released): look again when it runs out.
    return { kind: 'busy', retryAt: Math.max(row.lease_until?.getTime() ?? 0, Date.now()) + 1000 };
  }

  private async post(url: string, body: string, key: string, secret: string, timeoutMs: number): Promise<SendResult> {
    const signature = signatureHeaders(body, secret)['X-Hub-Signature-256'];
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'flexport-webhooks-notifier',
          [SIGNATURE_256_HEADER]: signature,
          [IDEMPOTENCY_KEY_HEADER.toLowerCase()]: key,
          // Signed afresh for each attempt: webhook-timestamp is the time of this one.
          ...standardWebhookHeaders(key, body, secret),
        },
        body,
        // A redirected POST would not reach the URL that was configured: count it as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null };
      return { ok: false, statusCode: response.status, error: `HTTP ${response.status} ${response.statusText}`.trim() };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { ok: false, statusCode: null, error: timedOut ? `timed out after ${timeoutMs} ms` : networkError(error) };
    }
  }
}

function networkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${errorMessage(error)}${cause}`;
}
