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
import { HEARTBEAT_EVERY_MS, SILENT_AFTER_MS, type RunLedger } from './ledger/run-ledger';
import { isPartitionKey, partitionWindow } from './partitions';

export interface PartitionResult {
  partition: string;
  status: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  outcome?: RunOutcome;
  error?: string;
  /** The run was stopped by `signal` (a worker shutting down, Ctrl-C): failed, not for its own fault. */
  interrupted?: boolean;
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
export const JOB_ALREADY_DONE = 'this job has already run the partition (the queue gave it out again)';

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
    if (fromQueue && queuedRunId && (await ledger.succeededSince(pipeline.name, partition, queuedRunId))) {
      // The queue gave this job out again (it expired while its run went on, or it was claimed by a
      // worker that died after the run succeeded): the job's work is done.
      await ledger.skip(pipeline.name, partition, trigger, JOB_ALREADY_DONE, queuedRunId);
      return { partition, status: 'skipped', attempts: 0, durationMs: performance.now() - started };
    }
    if (fromQueue && trigger === 'schedule' && pipeline.partitioning !== 'none') {
      // A schedule produces each partition once: a second job for it (a replica's late tick, queued
      // while the first ran) finds it done and does nothing. Re-runs are asked for: run, backfill.
      if (await ledger.hasSucceeded(pipeline.name, partition)) {
        await ledger.skip(pipeline.name, partition, trigger, ALREADY_SUCCEEDED, queuedRunId);
        return { partition, status: 'skipped', attempts: 0, durationMs: performance.now() - started };
      }
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
      const context: RunContext = {
        pipeline: pipeline.name,
        partition,
        ...(window ? { window } : {}),
        attempt,
        logger,
        progress: (done, total) => logger.debug({ done, total }, 'progress'),
        metadata: (values) => Object.assign(metadata, values),
        signal: signal ?? new AbortController().signal,
      };
      const attemptStarted = performance.now();
      // While the attempt runs, its heartbeat says it is alive (however long it takes).
      const heartbeat = setInterval(() => {
        ledger.heartbeat(run.id).catch((error: unknown) => logger.warn({ err: error }, 'heartbeat failed'));
      }, this.heartbeatEveryMs);
      heartbeat.unref();
      try {
        let outcome: RunOutcome;
        try {
          outcome = await pipeline.run(partition, context);
        } finally {
          clearInterval(heartbeat);
        }
        metadata['duration_ms'] = Math.round(performance.now() - attemptStarted);
        await ledger.succeed(run.id, outcome, metadata);
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
          : describeError(error);
        metadata['duration_ms'] = Math.round(performance.now() - attemptStarted);
        await ledger.fail(run.id, message, metadata);
        const retry =
          !interrupted && !(error instanceof NonRetryableError) && attempt < pipeline.retry.attempts;
        logger.warn({ err: error, retry, interrupted }, 'run failed');
        if (!retry) {
          return {
            partition,
            status: 'failed',
            attempts: attempt,
            error: message,
            ...(interrupted ? { interrupted } : {}),
            durationMs: performance.now() - started,
          };
        }
        await this.wait(backoffDelayMs(attempt, pipeline.retry, this.options.random), signal);
      }
    }
  }
}
