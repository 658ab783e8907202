import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { iso, queryRows } from '@app/database';
import type { AdminRunStatus } from './admin-run.entity.js';

/** How often a live run says so; a run silent for STALE_AFTER_MS belongs to a process that died. */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 60_000;
/** On shutdown a run is asked to stop at its next step and given this long to record it. */
const SHUTDOWN_WAIT_MS = 10_000;

export interface AdminRunView {
  runId: string;
  kind: string;
  status: AdminRunStatus;
  params: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface RunContext<P extends object> {
  runId: string;
  /** Aborted when the process shuts down: stop at the next step (throw), the run is recorded as failed. */
  signal: AbortSignal;
  /** Records how far the run got; written with the next heartbeat. */
  progress(value: P): void;
}

export class RunInProgressError extends Error {
  override name = 'RunInProgressError';
  constructor(readonly runId: string) {
    super(`a run of this kind is in progress: ${runId}`);
  }
}

interface RunRow {
  id: string;
  kind: string;
  status: AdminRunStatus;
  params: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const view = (row: RunRow): AdminRunView => ({
  runId: row.id,
  kind: row.kind,
  status: row.status,
  params: row.params,
  progress: row.progress,
  error: row.error,
  startedAt: row.started_at.toISOString(),
  finishedAt: iso(row.finished_at),
});

const ABANDONED = 'abandoned: the process running it stopped; start it again';

/**
 * Long admin operations run in the background of the process that took the request, one at a time
 * per kind across every process: the request answers 202 with a run id at once, and the run's state
 * is read back by id. The run's row in `admin_runs` is the record (and the lock: its partial unique
 * index). A run whose process dies stops sending heartbeats and is marked failed by the next look
 * at it, so a new one can start. Works through any pooler: no session state is held.
 */
@Injectable()
export class AdminRuns implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AdminRuns.name);
  private readonly live = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly dataSource: DataSource) {}

  /** Records a run of `kind` and starts `work` in the background; throws RunInProgressError when one is live. */
  async start<P extends object>(
    kind: string,
    params: Record<string, unknown>,
    work: (run: RunContext<P>) => Promise<P>,
  ): Promise<AdminRunView> {
    await this.expireStale(kind);
    const [row] = await queryRows<RunRow>(
      this.dataSource.manager,
      `INSERT INTO admin_runs (id, kind, params) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (kind) WHERE status = 'running' DO NOTHING
       RETURNING *`,
      [randomUUID(), kind, JSON.stringify(params)],
    );
    if (!row) {
      const [running] = await queryRows<{ id: string }>(
        this.dataSource.manager,
        `SELECT id FROM admin_runs WHERE kind = $1 AND status = 'running'`,
        [kind],
      );
      throw new RunInProgressError(running?.id ?? 'unknown');
    }
    this.launch(row, work);
    this.logger.log({ msg: 'admin run started', kind, runId: row.id, params });
    return view(row);
  }

  async get(kind: string, runId: string): Promise<AdminRunView | null> {
    if (!/^[0-9a-f-]{36}$/i.test(runId)) return null;
    await this.expireStale(kind);
    const [row] = await queryRows<RunRow>(this.dataSource.manager, 'SELECT * FROM admin_runs WHERE id = $1 AND kind = $2', [runId, kind]);
    return row ? view(row) : null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const runs = [...this.live.values()];
    for (const run of runs) run.abort.abort(new Error('interrupted: the process is shutting down; start it again'));
    await Promise.race([Promise.all(runs.map((run) => run.done)), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
  }

  private launch<P extends object>(row: RunRow, work: (run: RunContext<P>) => Promise<P>): void {
    const abort = new AbortController();
    let latest: P | null = null;
    const save = (status: 'running' | AdminRunStatus, error: string | null = null) =>
      queryRows(
        this.dataSource.manager,
        `UPDATE admin_runs
            SET status = $2, progress = COALESCE($3::jsonb, progress), error = $4, heartbeat_at = now(),
                finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END
          WHERE id = $1 AND status = 'running'`,
        [row.id, status, latest === null ? null : JSON.stringify(latest), error],
      );
    const heartbeat = setInterval(() => {
      save('running').catch((error: unknown) =>
        this.logger.warn({ msg: 'admin run heartbeat failed', runId: row.id, error: String(error) }),
      );
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const context: RunContext<P> = {
      runId: row.id,
      signal: abort.signal,
      progress: (value) => {
        latest = value;
      },
    };
    const done = (async () => {
      try {
        latest = await work(context);
        clearInterval(heartbeat);
        await save('succeeded');
        this.logger.log({ msg: 'admin run succeeded', kind: row.kind, runId: row.id, result: latest });
      } catch (error) {
        clearInterval(heartbeat);
        const message = error instanceof Error ? error.message : String(error);
        await save('failed', message).catch(() => undefined);
        this.logger.error({ msg: 'admin run failed', kind: row.kind, runId: row.id, error: message });
      } finally {
        this.live.delete(row.id);
      }
    })();
    this.live.set(row.id, { abort, done });
  }

  private async expireStale(kind: string): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      `UPDATE admin_runs SET status = 'failed', error = $2, finished_at = now()
        WHERE kind = $1 AND status = 'running' AND heartbeat_at < now() - make_interval(secs => $3::double precision / 1000)`,
      [kind, ABANDONED, STALE_AFTER_MS],
    );
  }
}

/** Throws the abort reason when the run was asked to stop: call between steps. */
export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
}
