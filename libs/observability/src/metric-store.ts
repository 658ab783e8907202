/**
 * Service counters and latency histograms live in ONE Redis hash under QUEUE_PREFIX, so that every
 * process (API instances, workers) adds to the same totals and any API instance's /metrics shows them.
 * One key keeps a pipeline of HINCRBYs in one Redis Cluster slot whatever the prefix.
 */
export function metricsKey(prefix: string): string {
  return `${prefix}:metrics`;
}

export enum EventCounter {
  /** Signed events accepted by intake (queued or duplicate), by category. */
  Received = 'received',
  /** Deliveries intake answered `duplicate`, by category. */
  Duplicate = 'duplicate',
  /** Signed bodies that are not events. */
  Quarantined = 'quarantined',
  /** Webhooks refused with 401, by reason (missing / invalid / sha1_refused). */
  SignatureRejected = 'signature_rejected',
  /** Webhooks that carried only Flexport's legacy HMAC-SHA1 signature, by outcome (accepted / refused). */
  LegacySignature = 'legacy_signature',
  /** Notifications dropped unsent, by reason (url_not_configured). */
  NotificationDropped = 'notification_dropped',
  /** Events whose state change committed (unknown types: recorded as ignored), by category. */
  Processed = 'processed',
  /** Transient failures of a run (retried, or dead-lettered on the last attempt), by category. */
  Failed = 'failed',
  /** Events dead-lettered, by category. */
  DeadLettered = 'dead_lettered',
  /** Runs of an event the log already held as done (redelivery, replay of a processed event), by category. */
  Redelivered = 'redelivered',
  /** Payloads of processed events cleared by payload retention (label: `processed`). */
  PayloadsCleared = 'payloads_cleared',
  /** Webhooks answered 503 because Redis could not take them (label: `queue`). */
  Unavailable = 'unavailable',
  /** Milestone notifications a URL accepted (2xx), by milestone. */
  NotificationsDelivered = 'notifications_delivered',
  /** Notification attempts that failed (retried, or dead on the last), by milestone. */
  NotificationsFailed = 'notifications_failed',
  /** Notifications whose retries ran out (dead deliveries), by milestone. */
  NotificationsDead = 'notifications_dead',
  /** Events kept as `ignored` (a type the catalogue does not map), by type: at most MAX_IGNORED_TYPES types, the rest `other`. */
  Ignored = 'ignored',
  /** Reconciliation runs that ended, by result (succeeded / failed). */
  ReconcileRuns = 'reconcile_runs',
  /** Failed reconciliation runs, by reason. */
  ReconcileFailures = 'reconcile_failures',
  /** Events Flexport's Events API listed to reconciliation runs, by category. */
  ReconcileListed = 'reconcile_listed',
  /** Listed events the service did not have, queued by a reconciliation run, by category. */
  ReconcileMissing = 'reconcile_missing',
}

/** Values that are set, not added to: the latest write wins. */
export enum ServiceGauge {
  /** Unix time (seconds) a reconciliation run last succeeded. */
  ReconcileLastSuccess = 'reconcile_last_success',
  /** Unix time (seconds) of the latest webhook intake accepted, to within a flush interval. */
  LastReceived = 'last_received',
}

/**
 * Types come from the senders: a bound on the distinct `type` labels keeps a flood of made-up types
 * from growing the hash and every scrape. Past it, new types are counted as OTHER_TYPE.
 */
export const MAX_IGNORED_TYPES = 100;
export const OTHER_TYPE = 'other';
/** The hash field that counts the distinct types already labelled. */
export const IGNORED_TYPES_FIELD = 'n|ignored_types';

/**
 * Adds ignored-type counts atomically, labelling a type not seen before only while fewer than the
 * cap are labelled. KEYS[1]: the hash; ARGV: cap, IGNORED_TYPES_FIELD, the `other` field, then
 * (field, increment) pairs.
 */
export const ADD_IGNORED_TYPES_SCRIPT = `
local labels = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
for i = 4, #ARGV, 2 do
  local field = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], field) == 0 then
    if labels < tonumber(ARGV[1]) then
      labels = labels + 1
      redis.call('HSET', KEYS[1], ARGV[2], labels)
    else
      field = ARGV[3]
    end
  end
  redis.call('HINCRBY', KEYS[1], field, ARGV[i + 1])
end
return labels`;

export enum LatencyHistogram {
  /** Time the pipeline spent on a run that processed the event. */
  Processing = 'processing',
  /** From intake's receipt of the webhook to the commit of its state change. */
  EndToEnd = 'end_to_end',
}

/** Upper bounds, in seconds; the last bucket is +Inf. End-to-end latency includes retries (minutes). */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

export const counterField = (counter: EventCounter, label: string): string => `c|${counter}|${label}`;
export const gaugeField = (gauge: ServiceGauge): string => `g|${gauge}`;

export function bucketIndex(seconds: number): number {
  const index = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  return index === -1 ? LATENCY_BUCKETS_SECONDS.length : index;
}

/** The hash fields one observation adds to: its (non-cumulative) bucket, the sum and the count. */
export function histogramFields(histogram: LatencyHistogram, category: string, seconds: number) {
  const base = `h|${histogram}|${category}`;
  return { bucket: `${base}|${bucketIndex(seconds)}`, sum: `${base}|sum`, count: `${base}|count` };
}

export interface HistogramSnapshot {
  /** Cumulative counts, one per bound of LATENCY_BUCKETS_SECONDS, then +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

export interface MetricsSnapshot {
  counters: Map<EventCounter, Map<string, number>>;
  histograms: Map<LatencyHistogram, Map<string, HistogramSnapshot>>;
  gauges: Map<ServiceGauge, number>;
}

/** Reads the hash (HGETALL) back into counters and cumulative histograms; unknown fields are skipped. */
export function parseMetricsHash(hash: Record<string, string>): MetricsSnapshot {
  const counters = new Map<EventCounter, Map<string, number>>();
  const histograms = new Map<LatencyHistogram, Map<string, HistogramSnapshot>>();
  const counterNames = new Set<string>(Object.values(EventCounter));
  const histogramNames = new Set<string>(Object.values(LatencyHistogram));
  const gauges = new Map<ServiceGauge, number>();
  const gaugeNames = new Set<string>(Object.values(ServiceGauge));
  for (const [field, raw] of Object.entries(hash)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const parts = field.split('|');
    if (parts[0] === 'c' && parts.length >= 3 && counterNames.has(parts[1])) {
      const counter = parts[1] as EventCounter;
      if (!counters.has(counter)) counters.set(counter, new Map());
      // A label (an event type) may itself hold `|`.
      counters.get(counter)!.set(parts.slice(2).join('|'), value);
    } else if (parts[0] === 'g' && parts.length === 2 && gaugeNames.has(parts[1])) {
      gauges.set(parts[1] as ServiceGauge, value);
    } else if (parts[0] === 'h' && parts.length === 4 && histogramNames.has(parts[1])) {
      const histogram = parts[1] as LatencyHistogram;
      if (!histograms.has(histogram)) histograms.set(histogram, new Map());
      const byCategory = histograms.get(histogram)!;
      const entry = byCategory.get(parts[2]) ?? { buckets: new Array(LATENCY_BUCKETS_SECONDS.length + 1).fill(0), sum: 0, count: 0 };
      byCategory.set(parts[2], entry);
      if (parts[3] === 'sum') entry.sum = value;
      else if (parts[3] === 'count') entry.count = value;
      else {
        const index = Number(parts[3]);
        if (Number.isInteger(index) && index >= 0 && index < entry.buckets.length) entry.buckets[index] = value;
      }
    }
  }
  for (const byCategory of histograms.values()) {
    for (const entry of byCategory.values()) {
      for (let i = 1; i < entry.buckets.length; i++) entry.buckets[i] += entry.buckets[i - 1];
    }
  }
  return { counters, histograms, gauges };
}
