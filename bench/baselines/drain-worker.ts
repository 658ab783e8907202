import { Job, Worker } from 'bullmq';
import pg from 'pg';
import { BASELINE_QUEUE, requiredEnv } from './baseline-config.js';

/**
 * Baseline (b): the least a correct worker does. BullMQ at concurrency 16; per job one transaction
 * inserts the event id into an idempotency table and, when it is new, upserts the shipment row.
 */
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 16);
const pool = new pg.Pool({ connectionString: requiredEnv('DATABASE_URL'), max: concurrency });

await pool.query(`
  CREATE TABLE IF NOT EXISTS baseline_processed_events (
    event_id text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  CREATE TABLE IF NOT EXISTS baseline_shipments (
    id text PRIMARY KEY,
    last_event_id text NOT NULL,
    last_type text NOT NULL,
    events integer NOT NULL,
    updated_at timestamptz NOT NULL
  )`);

interface Envelope {
  id?: unknown;
  type?: unknown;
  data?: { shipment_id?: unknown; shipment?: { id?: unknown } };
}

async function applyJob(job: Job<Envelope>): Promise<void> {
  const eventId = String(job.data.id);
  const shipmentId = String(job.data.data?.shipment_id ?? job.data.data?.shipment?.id ?? 'none');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const fresh = await client.query(
      'INSERT INTO baseline_processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
      [eventId],
    );
    if (fresh.rowCount === 1) {
      await client.query(
        `INSERT INTO baseline_shipments (id, last_event_id, last_type, events, updated_at) VALUES ($1, $2, $3, 1, now())
         ON CONFLICT (id) DO UPDATE
            SET last_event_id = EXCLUDED.last_event_id, last_type = EXCLUDED.last_type,
                events = baseline_shipments.events + 1, updated_at = now()`,
        [shipmentId, eventId, String(job.data.type)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const worker = new Worker(BASELINE_QUEUE, applyJob, {
  connection: { url: requiredEnv('REDIS_URL'), maxRetriesPerRequest: null },
  prefix: requiredEnv('QUEUE_PREFIX'),
  concurrency,
});
worker.on('error', () => undefined);
await worker.waitUntilReady();
console.log(`baseline-worker started (pid ${process.pid})`);

process.once('SIGTERM', () => {
  void (async () => {
    await worker.close();
    await pool.end();
    process.exit(0);
  })();
});
