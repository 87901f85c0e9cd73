import type { Logger } from '@caudal/platform';
import PgBoss from 'pg-boss';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineDefinition, Trigger } from './definition';
import type { RunLedger } from './ledger/run-ledger';

export interface PartitionJob {
  partition: string;
  trigger: Trigger;
  /** The job's queued row in the ledger (jobs queued by older versions have none). */
  runId?: string;
}

const QUEUE_SCHEMA = 'pgboss';

export interface QueueOptions {
  /**
   * How long a claimed job may stay active before pg-boss takes it back and gives it out again
   * (default 15 min): the way a date held by a worker that was killed outright (SIGKILL, out of
   * memory) gets run. No run of a pipeline should take this long.
   */
  expireInSeconds?: number;
  /** How often pg-boss looks for expired jobs (default 60 s; one replica does it per interval). */
  maintenanceIntervalSeconds?: number;
  /**
   * The wait before a job is given out again (default 30 s, then doubling, with jitter): a worker
   * that failed before it could record the run (its ops database dropped) may find it back.
   */
  retryDelaySeconds?: number;
  /**
   * How long a job whose partition is running elsewhere waits before it is tried again (default
   * 30 s): `etl enqueue` of a date that is running runs it once that run has ended.
   */
  deferSeconds?: number;
}

export const DEFAULT_JOB_EXPIRY_SECONDS = 15 * 60;
const DEFAULT_RETRY_DELAY_SECONDS = 30;
const DEFAULT_DEFER_SECONDS = 30;

/**
 * pg-boss's 'short' policy: at most one queued (not yet claimed) job per partition, and no limit on
 * claimed ones. A 'stately' queue (what earlier versions created) also allows one active job per
 * partition, and pg-boss 10 claims jobs strictly in order: a second job of a running partition at
 * the head of the queue made every claim fail, so no other partition ran until that run ended.
 */
const QUEUE_POLICY = 'short';

/** Why a deferred job's queued row is closed when the queue already holds a job for its partition. */
export const MERGED_INTO_QUEUED = 'another job of this partition is queued; it runs the partition';

/**
 * The key that keeps one queued job per partition, per kind of job: a schedule job (skipped when
 * its partition has succeeded or is running) never stands in for a requested one (`etl enqueue`,
 * an interrupted run queued again), which runs the partition whatever its state.
 */
function jobKey(partition: string, trigger: Trigger): string {
  return `${trigger === 'schedule' ? 'schedule' : 'request'}:${partition}`;
}

/**
 * How many times pg-boss gives a job out again: after it expired in a vanished worker's hands, or
 * when its handler threw before the run was recorded (the ops database failing). A run that fails
 * is the executor's to retry, with the ledger; the job is then completed, not failed. A job given
 * out again while its first run still goes on (a run longer than the expiry) finds that run's
 * attempt alive (its heartbeat) and waits for it (`defer`; a schedule job is skipped); once that run
 * has its verdict, succeeded or failed, the copy finds it on its own queued row and is skipped
 * (PartitionExecutor): the partition is never run twice for one job.
 */
const JOB_RETRIES = 2;

/** The options every job is sent with (also set on the queue; a queue created earlier keeps its own). */
interface JobPolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

/**
 * The work queue (pg-boss on the ops database). Each pipeline has a queue keyed by partition with at
 * most one queued job per partition, so N replicas enqueueing the same schedule tick create one job.
 * The ledger, not the queue, keeps a partition to one run at a time: a job claimed while its
 * partition runs elsewhere is put back to wait (`defer`), or, for a schedule job, skipped (the run
 * going on is the one the schedule asked for; once the partition has succeeded a schedule job is
 * skipped too, see PartitionExecutor). Either way the other partitions' jobs go on being claimed.
 * Runs are retried by the executor, with the ledger; pg-boss gives a job out again only when the
 * worker that claimed it vanished (the job expired) or failed before recording the run.
 */
export class PipelineQueue {
  /** The consumer loops `work` started; `stop` ends them and waits for each, claim and run included. */
  private readonly loops: Promise<void>[] = [];
  private readonly stopping = new AbortController();

  private constructor(
    private readonly boss: PgBoss,
    private readonly ledger: RunLedger,
    private readonly logger: Logger,
    private readonly jobPolicy: JobPolicy,
    private readonly deferSeconds: number,
  ) {}

  static async start(
    connectionString: string,
    ledger: RunLedger,
    logger: Logger,
    options: QueueOptions = {},
  ): Promise<PipelineQueue> {
    const boss = new PgBoss({
      connectionString,
      schema: QUEUE_SCHEMA,
      max: 4,
      application_name: 'caudal-queue',
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    });
    boss.on('error', (error) => logger.error({ err: error }, 'queue error'));
    await boss.start();
    return new PipelineQueue(
      boss,
      ledger,
      logger,
      {
        retryLimit: JOB_RETRIES,
        retryDelay: options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds ?? DEFAULT_JOB_EXPIRY_SECONDS,
      },
      options.deferSeconds ?? DEFAULT_DEFER_SECONDS,
    );
  }

  /**
   * Creates the pipeline's queue, or moves a queue created by an earlier version to our policy:
   * the queue, and its jobs not yet claimed (a job keeps the policy it was sent with, and pg-boss
   * would go on refusing to claim a waiting 'stately' job of a running partition, and any job
   * behind it). pg-boss has no call for the jobs; this is its job table as of pg-boss 10.
   */
  async ensureQueue(pipeline: PipelineDefinition): Promise<void> {
    const existing = await this.boss.getQueue(pipeline.name);
    if (existing) {
      if (existing.policy !== QUEUE_POLICY) {
        await this.boss.updateQueue(pipeline.name, {
          name: pipeline.name,
          policy: QUEUE_POLICY,
          ...this.jobPolicy,
        });
        await this.boss
          .getDb()
          .executeSql(
            `UPDATE ${QUEUE_SCHEMA}.job SET policy = $2 WHERE name = $1 AND state < 'active' AND policy IS DISTINCT FROM $2`,
            [pipeline.name, QUEUE_POLICY],
          );
      }
      return;
    }
    try {
      await this.boss.createQueue(pipeline.name, {
        name: pipeline.name,
        policy: QUEUE_POLICY,
        ...this.jobPolicy,
      });
    } catch (error) {
      if (!(await this.boss.getQueue(pipeline.name))) throw error; // else: another replica created it
    }
  }

  /**
   * Enqueues a partition; returns false when that partition already has a queued job of the same
   * kind (schedule, or requested: see jobKey), or when a schedule
   * asks for a partition that has already succeeded (a schedule produces each partition once). The
   * ledger's queued row is written first and travels with the job, so a worker that claims the job
   * at once still finds it; if the queue refuses the job, the row is removed.
   */
  async enqueue(pipeline: PipelineDefinition, partition: string, trigger: Trigger): Promise<boolean> {
    if (
      trigger === 'schedule' &&
      pipeline.partitioning !== 'none' &&
      (await this.ledger.hasSucceeded(pipeline.name, partition))
    ) {
      this.logger.debug({ pipeline: pipeline.name, partition }, 'already succeeded; not queued');
      return false;
    }
    const runId = await this.ledger.queued(pipeline.name, partition, trigger);
    let id: string | null;
    try {
      const job: PartitionJob = { partition, trigger, runId };
      // Set on each job, not only on the queue: a queue created by an older version keeps its defaults.
      id = await this.boss.send(pipeline.name, job, {
        singletonKey: jobKey(partition, trigger),
        ...this.jobPolicy,
      });
    } catch (error) {
      await this.ledger.discardQueued(runId);
      throw error;
    }
    if (!id) {
      await this.ledger.discardQueued(runId);
      this.logger.debug({ pipeline: pipeline.name, partition }, 'already queued');
      return false;
    }
    return true;
  }

  /**
   * Puts back a claimed job whose partition is running elsewhere, to be claimed again after
   * `deferSeconds` (and again, while that run goes on), with its queued ledger row. If the partition
   * already has a queued job, that job runs it and this one's row is closed as skipped. Returns
   * whether the job went back in the queue.
   */
  async defer(pipeline: PipelineDefinition, job: PartitionJob): Promise<boolean> {
    const id = await this.boss.send(pipeline.name, job, {
      singletonKey: jobKey(job.partition, job.trigger),
      startAfter: this.deferSeconds,
      ...this.jobPolicy,
    });
    if (id) return true;
    if (
      job.runId &&
      (await this.waitingWithRow(pipeline.name, jobKey(job.partition, job.trigger), job.runId))
    ) {
      return true; // the waiting job is a copy of this one (pg-boss gave it out again): it carries the row
    }
    await this.ledger.skip(pipeline.name, job.partition, job.trigger, MERGED_INTO_QUEUED, job.runId);
    return false;
  }

  /** Whether the job waiting under `key` carries the ledger row `runId` (pg-boss 10's job table). */
  private async waitingWithRow(queue: string, key: string, runId: string): Promise<boolean> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT 1 FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'created' AND data->>'runId' = $3`,
        [queue, key, runId],
      );
    return rows.length > 0;
  }

  /**
   * Serves a pipeline's queue: claims one job at a time (polling every second) and resolves
   * `handle` before claiming the next. Our own loop rather than pg-boss's `work`: pg-boss's stop
   * does not wait for a claim in flight, so a job claimed as it stops would be left active with
   * nobody running it (and its ledger row queued); `stop` here waits for the loop to end.
   */
  async work(pipeline: PipelineDefinition, handle: (job: PartitionJob) => Promise<void>): Promise<void> {
    const { signal } = this.stopping;
    const loop = async () => {
      while (!signal.aborted) {
        let claimed = false;
        try {
          const [job] = await this.boss.fetch<PartitionJob>(pipeline.name, { batchSize: 1 });
          if (job) {
            claimed = true;
            try {
              await handle(job.data);
              await this.boss.complete(pipeline.name, job.id);
            } catch (error) {
              await this.boss.fail(pipeline.name, job.id, { message: String(error) });
              throw error;
            }
          }
        } catch (error) {
          this.logger.error({ err: error, pipeline: pipeline.name }, 'queue worker error');
        }
        if (!claimed) await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    };
    this.loops.push(loop());
  }

  /** Stops claiming, waits for the jobs being claimed or run (their handlers), then stops pg-boss. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
    await this.boss.stop({ graceful: true, timeout: 30_000, wait: true } as PgBoss.StopOptions);
  }
}
