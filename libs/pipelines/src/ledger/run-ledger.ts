import { processAlive } from '@caudal/platform';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { RunOutcome, RunStatus, Trigger } from '../definition';

export interface PartitionStatus {
  partition: string;
  runId: string;
  attempt: number;
  trigger: Trigger;
  status: RunStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
  rowsRead: number | null;
  rowsWritten: number | null;
  error: string | null;
  metadata: Record<string, unknown>;
  /** Some run of the partition finished (succeeded or failed), whatever the latest one is. */
  everFinished: boolean;
}

export interface StartedRun {
  id: string;
}

const UNIQUE_VIOLATION = '23505';

/** How often an executor stamps its running attempt (RunLedger.heartbeat). */
export const HEARTBEAT_EVERY_MS = 30_000;
/** A running attempt whose heartbeat has been silent this long is abandoned (six missed beats). */
export const SILENT_AFTER_MS = 6 * HEARTBEAT_EVERY_MS;
/** A running attempt without any heartbeat (written before heartbeats existed) is abandoned after this. */
const LEGACY_STALE_MS = 3_600_000;

/** A queue job's own queued row has a verdict: a copy the queue gave out again has nothing to do. */
export const JOB_ALREADY_DONE = 'this job has already run the partition (the queue gave it out again)';

/** This process among all that ever had its pid on this host. */
const INSTANCE = randomUUID().slice(0, 8);

/**
 * Whether the worker named `host:pid[:instance]` is known to be gone: it ran on this host, and its
 * process no longer exists or its pid is now this process's own under another instance (a restart).
 */
export function workerGone(worker: string): boolean {
  const [host, pidText, instance] = worker.split(':');
  if (host !== hostname() || pidText === undefined) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return instance !== INSTANCE;
  return !processAlive(pid);
}

/** `ms` in whole minutes, or seconds below a minute. */
function describeDuration(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** The run ledger (ops.pipeline_runs): every attempt of every partition, and each partition's latest state. */
export class RunLedger {
  constructor(
    private readonly pool: Pool,
    /**
     * Who runs attempts: host:pid:instance, so a run left behind by a dead process on this host is
     * recognised, even one that had this very pid (a restarted container's node is always pid 1).
     */
    private readonly worker: string = `${hostname()}:${process.pid}:${INSTANCE}`,
  ) {}

  /**
   * Fails the running attempts of partitions `from`..`to` (all when unset) that are abandoned: their
   * worker process on this host no longer exists, or their heartbeat has been silent for
   * `silentAfterMs` (an attempt of a version before heartbeats: started over an hour ago). Returns
   * how many were failed.
   */
  private async failAbandoned(
    pipeline: string,
    from: string | undefined,
    to: string | undefined,
    silentAfterMs: number,
  ): Promise<number> {
    const { rows } = await this.pool.query<{
      id: string;
      worker: string | null;
      silent: boolean;
      legacy: boolean;
    }>(
      `SELECT id, worker, heartbeat_at IS NULL AS legacy,
              CASE WHEN heartbeat_at IS NULL THEN started_at < now() - make_interval(secs => $5::float8 / 1000)
                   ELSE heartbeat_at < now() - make_interval(secs => $4::float8 / 1000) END AS silent
       FROM ops.pipeline_runs
       WHERE pipeline = $1 AND status = 'running'
         AND ($2::text IS NULL OR partition_key >= $2) AND ($3::text IS NULL OR partition_key <= $3)`,
      [pipeline, from ?? null, to ?? null, silentAfterMs, LEGACY_STALE_MS],
    );
    let failed = 0;
    for (const row of rows) {
      const dead = workerGone(row.worker ?? '');
      if (!dead && !row.silent) continue;
      const { rowCount } = await this.pool.query(
        `UPDATE ops.pipeline_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND status = 'running'`,
        [
          row.id,
          dead
            ? `abandoned: worker ${row.worker} stopped before the run finished`
            : row.legacy
              ? `abandoned: no finish within ${describeDuration(LEGACY_STALE_MS)}`
              : `abandoned: no heartbeat from worker ${row.worker} for ${describeDuration(silentAfterMs)}`,
        ],
      );
      failed += rowCount ?? 0;
    }
    return failed;
  }

  /**
   * Stamps a running attempt as alive (its executor does, every HEARTBEAT_EVERY_MS). Returns false
   * when the attempt is no longer running: another worker found it silent and failed it as
   * abandoned, and its partition may be running elsewhere (the executor then stops the run).
   */
  async heartbeat(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ops.pipeline_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Whether a queue job whose queued row is `runId` has already been dealt with: its row has a
   * verdict (succeeded, failed or skipped; not failed as abandoned, which is a run that died with
   * its worker). A copy of the job that the queue gives out again (its first claim outlived the
   * job's expiry) then has nothing to do: a failed run is the executor's to retry, not the queue's.
   * Runs of the partition other than the job's own do not count: a request runs after it was made.
   */
  async jobDone(runId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM ops.pipeline_runs
       WHERE id = $1 AND status IN ('succeeded', 'failed', 'skipped') AND coalesce(error, '') NOT LIKE 'abandoned:%'`,
      [runId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Records a queued run; its id goes with the job, which starts from (or is skipped on) this row. */
  async queued(pipeline: string, partition: string, trigger: Trigger): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, queued_at)
       VALUES ($1, $2, $3, 'queued', now()) RETURNING id`,
      [pipeline, partition, trigger],
    );
    return String(rows[0]!.id);
  }

  /** Removes a queued row whose job the queue did not take (the partition was already queued). */
  async discardQueued(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ops.pipeline_runs WHERE id = $1 AND status = 'queued'`, [id]);
  }

  /** Whether any attempt of the partition has succeeded. */
  async hasSucceeded(pipeline: string, partition: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM ops.pipeline_runs WHERE pipeline = $1 AND partition_key = $2 AND status = 'succeeded' LIMIT 1`,
      [pipeline, partition],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Starts an attempt: marks the job's queued row running (`queuedRunId`) or inserts a running row.
   * Returns undefined when another attempt of the partition is running: the second guard, enforced
   * by a unique index; the queued row (or a new row) is then recorded as skipped, unless `keepQueued`
   * (the caller puts the job back in the queue, and its row stays queued). Only when that
   * guard trips are running attempts checked for being abandoned (their process is gone, or their
   * heartbeat silent for `silentAfterMs`); if one was, it is failed and the start is tried once more.
   * The common path is one statement.
   */
  async start(
    pipeline: string,
    partition: string,
    trigger: Trigger,
    attempt: number,
    options: { queuedRunId?: string; silentAfterMs?: number; keepQueued?: boolean } = {},
  ): Promise<StartedRun | undefined> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.tryStart(pipeline, partition, trigger, attempt, options.queuedRunId);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        const released = await this.failAbandoned(
          pipeline,
          partition,
          partition,
          options.silentAfterMs ?? SILENT_AFTER_MS,
        );
        if (released === 0 || tries > 1) {
          if (options.keepQueued) return undefined;
          await this.skip(
            pipeline,
            partition,
            trigger,
            'another run of this partition was running',
            options.queuedRunId,
          );
          return undefined;
        }
      }
    }
  }

  private async tryStart(
    pipeline: string,
    partition: string,
    trigger: Trigger,
    attempt: number,
    queuedRunId: string | undefined,
  ): Promise<StartedRun> {
    if (queuedRunId) {
      const { rows } = await this.pool.query<{ id: string }>(
        `UPDATE ops.pipeline_runs SET status = 'running', started_at = now(), heartbeat_at = now(), attempt = $2, worker = $3
         WHERE id = $1 AND status = 'queued' RETURNING id`,
        [queuedRunId, attempt, this.worker],
      );
      if (rows[0]) return { id: String(rows[0].id) };
    }
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, attempt, trigger, status, started_at, heartbeat_at, worker)
       VALUES ($1, $2, $3, $4, 'running', now(), now(), $5) RETURNING id`,
      [pipeline, partition, attempt, trigger, this.worker],
    );
    return { id: String(rows[0]!.id) };
  }

  /**
   * Records a running attempt's success. Returns false, recording nothing, when the attempt is no
   * longer running (failed as abandoned meanwhile: the ledger's verdict, and the partition's next
   * attempt, stand).
   */
  async succeed(id: string, outcome: RunOutcome, metadata: Record<string, unknown>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ops.pipeline_runs SET status = 'succeeded', finished_at = now(), rows_read = $2, rows_written = $3,
              metadata = $4::jsonb
       WHERE id = $1 AND status = 'running'`,
      [id, outcome.rowsRead, outcome.rowsWritten, JSON.stringify({ ...metadata, ...outcome.metadata })],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Records a running attempt's failure; false, recording nothing, when it is no longer running. */
  async fail(id: string, error: string, metadata: Record<string, unknown>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ops.pipeline_runs SET status = 'failed', finished_at = now(), error = $2, metadata = $3::jsonb
       WHERE id = $1 AND status = 'running'`,
      [id, error.slice(0, 4000), JSON.stringify(metadata)],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Records a skipped attempt: the job's queued row when there is one, else a new row. */
  async skip(
    pipeline: string,
    partition: string,
    trigger: Trigger,
    reason: string,
    queuedRunId?: string,
  ): Promise<void> {
    if (queuedRunId) {
      const { rowCount } = await this.pool.query(
        `UPDATE ops.pipeline_runs SET status = 'skipped', started_at = now(), finished_at = now(), error = $2, worker = $3
         WHERE id = $1 AND status = 'queued'`,
        [queuedRunId, reason, this.worker],
      );
      if (rowCount) return;
    }
    await this.pool.query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, finished_at, error, worker)
       VALUES ($1, $2, $3, 'skipped', now(), now(), $4, $5)`,
      [pipeline, partition, trigger, reason, this.worker],
    );
  }

  /**
   * Each partition's latest state (its most recent activity; skipped attempts aside), optionally
   * within [from, to] keys. Running attempts that are abandoned (their worker gone, their heartbeat
   * silent for SILENT_AFTER_MS) are failed first, as the partition's next start would: a run whose
   * process was killed shows as failed, and a backfill of failed partitions picks it up.
   */
  async statuses(pipeline: string, from?: string, to?: string): Promise<PartitionStatus[]> {
    await this.failAbandoned(pipeline, from, to, SILENT_AFTER_MS);
    const { rows } = await this.pool.query(
      `SELECT partition_key, run_id, attempt, trigger, status, started_at, finished_at, rows_read, rows_written, error, metadata, ever_finished
       FROM ops.partition_status
       WHERE pipeline = $1 AND ($2::text IS NULL OR partition_key >= $2) AND ($3::text IS NULL OR partition_key <= $3)
       ORDER BY partition_key`,
      [pipeline, from ?? null, to ?? null],
    );
    return rows.map((row) => ({
      partition: row.partition_key,
      runId: String(row.run_id),
      attempt: row.attempt,
      trigger: row.trigger,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      rowsRead: row.rows_read === null ? null : Number(row.rows_read),
      rowsWritten: row.rows_written === null ? null : Number(row.rows_written),
      error: row.error,
      metadata: row.metadata,
      everFinished: row.ever_finished,
    }));
  }

  /** Every attempt of one partition, oldest first. */
  async attempts(
    pipeline: string,
    partition: string,
  ): Promise<{ id: string; attempt: number; status: RunStatus; error: string | null }[]> {
    const { rows } = await this.pool.query(
      `SELECT id, attempt, status, error FROM ops.pipeline_runs WHERE pipeline = $1 AND partition_key = $2 ORDER BY id`,
      [pipeline, partition],
    );
    return rows.map((row) => ({
      id: String(row.id),
      attempt: row.attempt,
      status: row.status,
      error: row.error,
    }));
  }
}
