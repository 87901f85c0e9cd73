import type { Logger } from '@caudal/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelayMs,
  NonRetryableError,
  type PipelineDefinition,
  type RunContext,
  type RunOutcome,
  type Trigger,
} from './definition';
import { HEARTBEAT_EVERY_MS, JOB_ALREADY_DONE, SILENT_AFTER_MS, type RunLedger } from './ledger/run-ledger';
import { isPartitionKey, partitionWindow } from './partitions';

/** Why an attempt's result is not recorded: another worker failed it as abandoned while it ran. */
export const TAKEN_OVER =
  'this attempt was failed as abandoned while it ran (its heartbeat did not reach the ledger); the ledger keeps that verdict';

export interface PartitionResult {
  partition: string;
  status: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  outcome?: RunOutcome;
  error?: string;
  /** The run was stopped by `signal` (a worker shutting down, Ctrl-C): failed, not for its own fault. */
  interrupted?: boolean;
  /**
   * The attempt lost its hold on the partition (see holdAttempt) and stopped, or its verdict was not
   * recorded because another worker had failed it as abandoned: failed, not for its own fault, and
   * not retried here. A queue worker queues the partition again, as for an interrupted run.
   */
  lostHold?: boolean;
  /**
   * Another run of the partition was running, and the caller asked to wait for it (`deferIfBusy`):
   * nothing ran and nothing was recorded; the job's queued row stays queued.
   */
  busy?: boolean;
  durationMs: number;
}

export interface ExecutorOptions {
  ledger: RunLedger;
  logger: Logger;
  /**
   * How often a running attempt stamps its heartbeat (default HEARTBEAT_EVERY_MS); an attempt silent
   * for six beats is taken for abandoned by the next start of its partition.
   */
  heartbeatEveryMs?: number;
  /** Waits between attempts, ending early when `signal` aborts (tests pass a fast one). */
  wait?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  random?: () => number;
}

export interface ExecuteOptions {
  /** The run comes from a queue job (whose ledger row is `queuedRunId`, when the job carries one). */
  fromQueue?: boolean;
  queuedRunId?: string;
  /**
   * Aborted when the caller stops (a worker shutting down, Ctrl-C): the run gets it as
   * `context.signal`, is not retried, and is recorded as failed with "interrupted: <reason>".
   */
  signal?: AbortSignal;
  /**
   * When another run of the partition is running, return `busy` instead of recording the job as
   * skipped (the queue worker then puts the job back, to run after that run; see PipelineQueue.defer).
   */
  deferIfBusy?: boolean;
}

export const ALREADY_SUCCEEDED = 'the partition has already succeeded; a schedule runs it once';

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Why `signal` was aborted, for the ledger. */
export function interruptReason(signal: AbortSignal): string {
  return `interrupted: ${describeError(signal.reason ?? 'stopped')}`;
}

/**
 * Runs one partition of a pipeline with its retry policy, one ledger row per attempt. A partition
 * already running elsewhere is skipped (the ledger's unique index decides, not a race in memory).
 */
export class PartitionExecutor {
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<unknown>;

  private readonly heartbeatEveryMs: number;
  private readonly silentAfterMs: number;

  constructor(private readonly options: ExecutorOptions) {
    this.wait = options.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined));
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS;
    this.silentAfterMs = (this.heartbeatEveryMs * SILENT_AFTER_MS) / HEARTBEAT_EVERY_MS;
  }

  async run(
    pipeline: PipelineDefinition,
    partition: string,
    trigger: Trigger,
    { queuedRunId, fromQueue = false, signal, deferIfBusy = false }: ExecuteOptions = {},
  ): Promise<PartitionResult> {
    if (!isPartitionKey(partition, pipeline.partitioning)) {
      throw new NonRetryableError(
        `"${partition}" is not a ${pipeline.partitioning} partition of ${pipeline.name}`,
      );
    }
    const window =
      pipeline.partitioning === 'none'
        ? undefined
        : partitionWindow(partition, pipeline.partitioning, pipeline.timeZone);
    const started = performance.now();
    const { ledger } = this.options;
    if (fromQueue && trigger === 'schedule' && pipeline.partitioning !== 'none') {
      // A schedule produces each partition once: a second job for it (a replica's late tick, queued
      // while the first ran) finds it done and does nothing. Re-runs are asked for: run, backfill.
      if (await ledger.hasSucceeded(pipeline.name, partition)) {
        await ledger.skip(pipeline.name, partition, trigger, ALREADY_SUCCEEDED, queuedRunId);
        return { partition, status: 'skipped', attempts: 0, durationMs: performance.now() - started };
      }
    }
    if (fromQueue && queuedRunId && (await ledger.jobDone(queuedRunId))) {
      // A copy of a job that already ran: the queue gave it out again (its first claim outlived the
      // job's expiry, or its worker died after the verdict).
      await ledger.skip(pipeline.name, partition, trigger, JOB_ALREADY_DONE, queuedRunId);
      return { partition, status: 'skipped', attempts: 0, durationMs: performance.now() - started };
    }
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) {
        // Stopped before this attempt began: the queued row (if any) says so; nothing ran.
        if (attempt === 1) {
          await ledger.skip(pipeline.name, partition, trigger, interruptReason(signal), queuedRunId);
        }
        return {
          partition,
          status: attempt === 1 ? 'skipped' : 'failed',
          attempts: attempt - 1,
          interrupted: true,
          ...(attempt === 1 ? {} : { error: interruptReason(signal) }),
          durationMs: performance.now() - started,
        };
      }
      const run = await ledger.start(pipeline.name, partition, trigger, attempt, {
        ...(attempt === 1 && queuedRunId ? { queuedRunId } : {}),
        silentAfterMs: this.silentAfterMs,
        keepQueued: attempt === 1 && deferIfBusy,
      });
      if (!run) {
        if (attempt === 1 && deferIfBusy) {
          return {
            partition,
            status: 'skipped',
            attempts: 0,
            busy: true,
            durationMs: performance.now() - started,
          };
        }
        return {
          partition,
          status: 'skipped',
          attempts: attempt - 1,
          durationMs: performance.now() - started,
        };
      }
      const logger = this.options.logger.child({
        pipeline: pipeline.name,
        partition,
        attempt,
        runId: run.id,
      });
      const metadata: Record<string, unknown> = {};
      const lease = this.holdAttempt(run.id, logger, signal);
      const context: RunContext = {
        pipeline: pipeline.name,
        partition,
        ...(window ? { window } : {}),
        attempt,
        logger,
        progress: (done, total) => logger.debug({ done, total }, 'progress'),
        metadata: (values) => Object.assign(metadata, values),
        signal: lease.signal,
      };
      const attemptStarted = performance.now();
      try {
        let outcome: RunOutcome;
        try {
          outcome = await pipeline.run(partition, context);
        } finally {
          lease.release();
        }
        metadata['duration_ms'] = Math.round(performance.now() - attemptStarted);
        if (!(await ledger.succeed(run.id, outcome, metadata))) {
          logger.warn({ rowsWritten: outcome.rowsWritten }, TAKEN_OVER);
          return {
            partition,
            status: 'failed',
            attempts: attempt,
            error: TAKEN_OVER,
            lostHold: true,
            durationMs: performance.now() - started,
          };
        }
        logger.info({ rowsRead: outcome.rowsRead, rowsWritten: outcome.rowsWritten }, 'run succeeded');
        return {
          partition,
          status: 'succeeded',
          attempts: attempt,
          outcome,
          durationMs: performance.now() - started,
        };
      } catch (error) {
        const interrupted = signal?.aborted === true;
        const message = interrupted
          ? `${interruptReason(signal)} (${describeError(error)})`
          : lease.lost
            ? `stopped: ${lease.lost}${error === lease.signal.reason ? '' : ` (${describeError(error)})`}`
            : describeError(error);
        metadata['duration_ms'] = Math.round(performance.now() - attemptStarted);
        const recorded = await ledger.fail(run.id, message, metadata);
        if (!recorded) logger.warn({ err: error }, TAKEN_OVER);
        const retry =
          recorded &&
          !interrupted &&
          !lease.lost &&
          !(error instanceof NonRetryableError) &&
          attempt < pipeline.retry.attempts;
        logger.warn({ err: error, retry, interrupted }, 'run failed');
        if (!retry) {
          return {
            partition,
            status: 'failed',
            attempts: attempt,
            error: recorded ? message : TAKEN_OVER,
            ...(interrupted ? { interrupted } : {}),
            ...(!interrupted && (lease.lost || !recorded) ? { lostHold: true } : {}),
            durationMs: performance.now() - started,
          };
        }
        await this.wait(backoffDelayMs(attempt, pipeline.retry, this.options.random), signal);
      }
    }
  }

  /**
   * An attempt's hold on its partition while it runs: its heartbeat, stamped every
   * `heartbeatEveryMs`, and the signal its run gets. The signal aborts when the caller's does, and
   * when the hold is lost: the ledger says the attempt is no longer running (another worker failed
   * it as abandoned), or no heartbeat has landed for half the silence after which others may do so,
   * whether the heartbeats failed or hang (a network partition, a stalled server: one heartbeat is
   * in flight at a time, and the clock runs while it waits). Stopping then keeps a partition from
   * running in two places. After `release` (the run has ended) nothing the heartbeat learns counts.
   */
  private holdAttempt(
    runId: string,
    logger: Logger,
    signal: AbortSignal | undefined,
  ): { signal: AbortSignal; lost: string | undefined; release(): void } {
    const controller = new AbortController();
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    let released = false;
    const hold = {
      signal: controller.signal,
      lost: undefined as string | undefined,
      release: () => {
        released = true;
        clearInterval(heartbeat);
        signal?.removeEventListener('abort', forward);
      },
    };
    const lose = (reason: string) => {
      if (hold.lost || released) return;
      hold.lost = reason;
      logger.warn({ reason }, 'attempt lost its hold on the partition; stopping it');
      controller.abort(new Error(reason));
    };
    /** When the last heartbeat that landed was sent (the attempt's start stamped the first). */
    let landedAt = Date.now();
    let inFlight = false;
    const heartbeat = setInterval(() => {
      const silentMs = Date.now() - landedAt;
      if (silentMs >= this.silentAfterMs / 2) {
        lose(`no heartbeat reached the ledger for ${Math.round(silentMs / 1000)} s`);
        return;
      }
      if (inFlight) return;
      inFlight = true;
      const sentAt = Date.now();
      this.options.ledger
        .heartbeat(runId)
        .then(
          (running) => {
            if (running) landedAt = sentAt;
            else lose('another worker failed this attempt as abandoned');
          },
          (error: unknown) => {
            if (!released) logger.warn({ err: error }, 'heartbeat failed');
          },
        )
        .finally(() => (inFlight = false));
    }, this.heartbeatEveryMs);
    heartbeat.unref();
    return hold;
  }
}
