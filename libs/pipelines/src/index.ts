export {
  backoffDelayMs,
  DEFAULT_RETRY,
  NonRetryableError,
  RUN_STATUSES,
  TRIGGERS,
  type Partitioning,
  type PipelineDefinition,
  type RetryPolicy,
  type RunContext,
  type RunOutcome,
  type RunStatus,
  type Schedule,
  type Trigger,
} from './definition';
export {
  isPartitionKey,
  isValidTimeZone,
  latestCompletePartition,
  partitionRange,
  partitionWindow,
  UNPARTITIONED,
  zonedTime,
  zoneOffsetMinutes,
} from './partitions';
export { OPS_MIGRATIONS, OPS_ROLE } from './ledger/migrations';
export { JOB_ALREADY_DONE, RunLedger, type PartitionStatus } from './ledger/run-ledger';
export {
  ALREADY_SUCCEEDED,
  TAKEN_OVER,
  PartitionExecutor,
  type ExecuteOptions,
  type ExecutorOptions,
  type PartitionResult,
} from './executor';
export {
  DEFAULT_REDO,
  parseRedo,
  REDO_POLICIES,
  runBackfill,
  selectPartitions,
  type BackfillSummary,
  type RedoPolicy,
} from './backfill';
export { ProgressReporter, renderProgress, type ProgressState } from './progress';
export {
  DEFAULT_JOB_EXPIRY_SECONDS,
  MERGED_INTO_QUEUED,
  PipelineQueue,
  type PartitionJob,
  type QueueOptions,
} from './queue';
export {
  PipelineWorkerModule,
  startPipelineWorker,
  type PipelineWorkerOptions,
  type RunningWorker,
} from './worker.module';
export { servePipelineWorker, withPipelineRuntime, type PipelineRuntime } from './command-runtime';
export { renderStatusTable } from './status-table';
export { IsCronSchedule, IsTimeZone } from './schedule-config';
