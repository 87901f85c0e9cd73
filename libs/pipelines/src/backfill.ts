import type { PipelineDefinition, Trigger } from './definition';
import type { PartitionExecutor, PartitionResult } from './executor';
import type { PartitionStatus } from './ledger/run-ledger';

export const REDO_POLICIES = ['all', 'failed', 'missing'] as const;
export type RedoPolicy = (typeof REDO_POLICIES)[number];

/**
 * Which partitions a backfill runs:
 *   all      every partition of the range
 *   failed   those whose latest run failed
 *   missing  those with no succeeded latest run (never run, failed, or left queued) — the default
 */
export function selectPartitions(
  keys: readonly string[],
  statuses: readonly PartitionStatus[],
  redo: RedoPolicy,
): string[] {
  const latest = new Map(statuses.map((s) => [s.partition, s.status]));
  switch (redo) {
    case 'all':
      return [...keys];
    case 'failed':
      return keys.filter((key) => latest.get(key) === 'failed');
    case 'missing':
      return keys.filter((key) => latest.get(key) !== 'succeeded');
  }
}

export interface BackfillSummary {
  results: PartitionResult[];
  succeeded: number;
  failed: number;
  skipped: number;
}

/** Runs partitions with at most `concurrency` at a time, in key order; reports each result as it lands. */
export async function runBackfill(
  executor: PartitionExecutor,
  pipeline: PipelineDefinition,
  partitions: readonly string[],
  options: { concurrency: number; trigger?: Trigger; onResult?: (result: PartitionResult) => void },
): Promise<BackfillSummary> {
  const results: PartitionResult[] = [];
  let next = 0;
  const lane = async () => {
    while (next < partitions.length) {
      const partition = partitions[next++]!;
      const result = await executor.run(pipeline, partition, options.trigger ?? 'backfill');
      results.push(result);
      options.onResult?.(result);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, partitions.length)) }, lane),
  );
  results.sort((a, b) => a.partition.localeCompare(b.partition));
  const count = (status: PartitionResult['status']) => results.filter((r) => r.status === status).length;
  return { results, succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
}
