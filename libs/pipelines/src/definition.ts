import type { Logger } from '@caudal/platform';

export type Partitioning = 'daily' | 'hourly' | 'none';
export const TRIGGERS = ['schedule', 'cli', 'backfill', 'api'] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  attempts: number;
  /** Delay before the second attempt; doubles each further attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Fraction of each delay drawn at random (0..1), so replicas do not retry in step. */
  jitter: number;
}

export interface Schedule {
  /** Cron expression (5 or 6 fields). */
  cron: string;
  /** IANA time zone of the cron expression (default: the pipeline's time zone, which defaults to UTC). */
  timeZone?: string;
}

/** What a run reports back; written to the ledger. */
export interface RunOutcome {
  rowsRead: number;
  rowsWritten: number;
  metadata?: Record<string, unknown>;
}

export interface RunContext {
  pipeline: string;
  partition: string;
  /** The partition's half-open time window in the pipeline's time zone (undefined for 'none'). */
  window?: { start: Date; end: Date };
  attempt: number;
  logger: Logger;
  /** Reports progress within the run (e.g. rows so far). */
  progress(done: number, total?: number): void;
  /** Adds metadata to the run's ledger row. */
  metadata(values: Record<string, unknown>): void;
  signal: AbortSignal;
}

export interface PipelineDefinition {
  name: string;
  partitioning: Partitioning;
  /** The IANA time zone of the partitions' days and hours, and of the schedule (default UTC). */
  timeZone?: string;
  schedule?: Schedule;
  retry: RetryPolicy;
  run(partition: string, context: RunContext): Promise<RunOutcome>;
}

/** A failure that retrying cannot fix (bad input, a 4xx answer): the run fails at once. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

/** Exponential backoff with jitter for the delay before attempt `attempt + 1`. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}
