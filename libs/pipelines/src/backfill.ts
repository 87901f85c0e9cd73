import type { PipelineDefinition, Trigger } from './definition';
import type { PartitionExecutor, PartitionResult } from './executor';
import type { PartitionStatus } from './ledger/run-ledger';

export const REDO_POLICIES = ['all', 'failed', 'missing'] as const;
export type RedoPolicy = (typeof REDO_POLICIES)[number];
/** A backfill's default: every partition that has not succeeded. */
export const DEFAULT_REDO: readonly RedoPolicy[] = ['failed', 'missing'];

/**
 * Parses `--redo`: one policy or a comma-separated list (`failed,missing`); undefined on anything
 * else. Absent, the default is `failed,missing`.
 */
export function parseRedo(value: string | undefined): RedoPolicy[] | undefined {
  if (value === undefined) return [...DEFAULT_REDO];
  const policies = value.split(',').map((p) => p.trim());
  if (policies.length === 0 || !policies.every((p) => (REDO_POLICIES as readonly string[]).includes(p)))
    return undefined;
  return [...new Set(policies as RedoPolicy[])];
}

/**
 * Which partitions a backfill runs (any of `redo`):
 *   all      every partition of the range
 *   failed   its latest run failed
 *   missing  it never finished a run: no run at all, or only queued or running ones (the executor
 *            skips a run in progress elsewhere and takes over an abandoned one)
 * A partition whose latest run succeeded runs again only with `all`; one that finished a run and
 * is queued again runs from the queue.
 */
export function selectPartitions(
  keys: readonly string[],
  statuses: readonly PartitionStatus[],
  redo: RedoPolicy | readonly RedoPolicy[],
): string[] {
  const policies = new Set(typeof redo === 'string' ? [redo] : redo);
  if (policies.has('all')) return [...keys];
  const latest = new Map(statuses.map((s) => [s.partition, s]));
  return keys.filter((key) => {
    const status = latest.get(key);
    if (status?.status === 'failed') return policies.has('failed');
    return policies.has('missing') && !status?.everFinished;
  });
}

export interface BackfillSummary {
  results: PartitionResult[];
  succeeded: number;
  failed: number;
  skipped: number;
  /** Partitions never started because `signal` aborted first. */
  notStarted: number;
}

/** Runs partitions with at most `concurrency` at a time, in key order; reports each result as it lands. */
export async function runBackfill(
  executor: PartitionExecutor,
  pipeline: PipelineDefinition,
  partitions: readonly string[],
  options: {
    concurrency: number;
    trigger?: Trigger;
    onResult?: (result: PartitionResult) => void;
    /** Aborted: no further partition starts, and the runs in progress are interrupted. */
    signal?: AbortSignal;
  },
): Promise<BackfillSummary> {
  const results: PartitionResult[] = [];
  const { signal } = options;
  let next = 0;
  const lane = async () => {
    while (next < partitions.length && !signal?.aborted) {
      const partition = partitions[next++]!;
      const result = await executor.run(pipeline, partition, options.trigger ?? 'backfill', {
        ...(signal ? { signal } : {}),
      });
      results.push(result);
      options.onResult?.(result);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, partitions.length)) }, lane),
  );
  results.sort((a, b) => a.partition.localeCompare(b.partition));
  const count = (status: PartitionResult['status']) => results.filter((r) => r.status === status).length;
  return {
    results,
    succeeded: count('succeeded'),
    failed: count('failed'),
    skipped: count('skipped'),
    notStarted: partitions.length - results.length,
  };
}
