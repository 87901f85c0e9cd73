import 'reflect-metadata';
import { createLogger, EXIT, parseCommandArgs, runCommands, UsageError } from '@caudal/platform';
import {
  isPartitionKey,
  partitionRange,
  PipelineQueue,
  ProgressReporter,
  DEFAULT_REDO,
  parseRedo,
  REDO_POLICIES,
  renderStatusTable,
  runBackfill,
  selectPartitions,
  servePipelineWorker,
  withPipelineRuntime,
  type PartitionResult,
} from '@caudal/pipelines';
import { loadEtlConfig, openEtlRuntime, type EtlRuntime } from './etl-runtime';

function date(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--${name} is required (YYYY-MM-DD)`);
  if (!isPartitionKey(value, 'daily'))
    throw new UsageError(`--${name} must be a real date as YYYY-MM-DD, got "${value}"`);
  return value;
}

function describe(result: PartitionResult): string {
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.status === 'succeeded') {
    const { rowsRead, rowsWritten } = result.outcome!;
    const note = rowsRead === 0 ? ' (no source readings for this date)' : '';
    return `${result.partition} succeeded: ${rowsRead} readings -> ${rowsWritten} rows in ${seconds} s${note}`;
  }
  if (result.interrupted && result.status === 'skipped')
    return `${result.partition} not started: interrupted`;
  if (result.status === 'skipped')
    return `${result.partition} skipped: another run of this date is in progress; nothing done`;
  return `${result.partition} failed after ${result.attempts} attempt(s): ${result.error}`;
}

/** Opens the runtime for a one-shot command; logs stay quiet unless LOG_LEVEL asks (commands print). */
async function withRuntime(
  body: (runtime: EtlRuntime, interrupt: AbortSignal) => Promise<number>,
): Promise<number> {
  // The configuration first: a bad LOG_LEVEL is a bad configuration (exit 2), like any other.
  const config = loadEtlConfig();
  const logger = createLogger('etl', process.env['LOG_LEVEL'] ? config.LOG_LEVEL : 'error');
  return withPipelineRuntime(await openEtlRuntime(config, logger), body);
}

runCommands('etl', {
  run: {
    summary: 'Run the ETL for one date (source readings -> 10-minute aggregates in the target)',
    usage: 'etl run --date YYYY-MM-DD',
    async run(args) {
      const { values } = parseCommandArgs(args, { date: { type: 'string' } });
      const partition = date('date', values.date);
      return withRuntime(async ({ executor, pipeline }, signal) => {
        const result = await executor.run(pipeline, partition, 'cli', { signal });
        // A skipped run did nothing (the date is running elsewhere): not a success for a script.
        (result.status === 'succeeded' ? process.stdout : process.stderr).write(`${describe(result)}\n`);
        return result.status === 'succeeded' ? EXIT.ok : EXIT.failed;
      });
    },
  },
  backfill: {
    summary: 'Run a range of dates with a concurrency cap and a progress bar',
    usage:
      'etl backfill --from YYYY-MM-DD --to YYYY-MM-DD [--concurrency N] [--redo all|failed|missing|failed,missing]',
    async run(args) {
      const { values } = parseCommandArgs(args, {
        from: { type: 'string' },
        to: { type: 'string' },
        concurrency: { type: 'string' },
        redo: { type: 'string' },
      });
      const from = date('from', values.from);
      const to = date('to', values.to);
      if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
      const redo = parseRedo(values.redo);
      if (!redo)
        throw new UsageError(
          `--redo must be one of ${REDO_POLICIES.join(', ')}, or a comma-separated list of them (default: ${DEFAULT_REDO.join(',')})`,
        );
      const config = loadEtlConfig();
      let concurrency = config.ETL_CONCURRENCY;
      if (values.concurrency !== undefined) {
        if (
          !/^\d+$/.test(values.concurrency) ||
          Number(values.concurrency) < 1 ||
          Number(values.concurrency) > 32
        ) {
          throw new UsageError('--concurrency must be an integer between 1 and 32');
        }
        concurrency = Number(values.concurrency);
      }
      return withRuntime(async ({ executor, pipeline, ledger }, signal) => {
        const keys = partitionRange(from, to, 'daily');
        const todo = selectPartitions(keys, await ledger.statuses(pipeline.name, from, to), redo);
        process.stdout.write(
          `backfill ${from} .. ${to}: ${todo.length} of ${keys.length} dates to run (redo ${redo.join(',')}), concurrency ${concurrency}\n`,
        );
        const progress = new ProgressReporter(todo.length);
        const summary = await runBackfill(executor, pipeline, todo, {
          concurrency,
          onResult: (r) => progress.result(r),
          signal,
        });
        progress.finish();
        for (const failed of summary.results.filter((r) => r.status === 'failed'))
          process.stderr.write(`${describe(failed)}\n`);
        const stopped = signal.aborted ? `, ${summary.notStarted} not started (interrupted)` : '';
        process.stdout.write(
          `backfill ${signal.aborted ? 'interrupted' : 'done'}: ${summary.succeeded} succeeded, ` +
            `${summary.failed} failed, ${summary.skipped} skipped${stopped} ` +
            `(see: npm run etl -- status --from ${from} --to ${to})\n`,
        );
        return summary.failed > 0 || signal.aborted ? EXIT.failed : EXIT.ok;
      });
    },
  },
  status: {
    summary: 'Show the latest run of each date as a table',
    usage: 'etl status [--from YYYY-MM-DD --to YYYY-MM-DD]',
    async run(args) {
      const { values } = parseCommandArgs(args, { from: { type: 'string' }, to: { type: 'string' } });
      if ((values.from === undefined) !== (values.to === undefined))
        throw new UsageError('give both --from and --to, or neither');
      const from = values.from === undefined ? undefined : date('from', values.from);
      const to = values.to === undefined ? undefined : date('to', values.to);
      if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
      return withRuntime(async ({ ledger, pipeline }) => {
        const statuses = await ledger.statuses(pipeline.name, from, to);
        const keys = from && to ? partitionRange(from, to, 'daily') : undefined;
        process.stdout.write(renderStatusTable(statuses, keys));
        return EXIT.ok;
      });
    },
  },
  worker: {
    summary: 'Serve the queue and the daily schedule (any number of replicas)',
    usage: 'etl worker',
    async run(args) {
      parseCommandArgs(args, {});
      const runtime = await openEtlRuntime(loadEtlConfig());
      await servePipelineWorker(runtime);
      runtime.logger.info(
        {
          schedule: runtime.config.ETL_SCHEDULE,
          timeZone: runtime.config.ETL_TIME_ZONE,
          target: runtime.target.describe(),
        },
        'etl worker serving the queue and the schedule',
      );
    },
  },
  enqueue: {
    summary: 'Queue one date for the workers (as a schedule tick would)',
    usage: 'etl enqueue --date YYYY-MM-DD',
    async run(args) {
      const { values } = parseCommandArgs(args, { date: { type: 'string' } });
      const partition = date('date', values.date);
      return withRuntime(async (runtime) => {
        const queue = await PipelineQueue.start(runtime.ops.url, runtime.ledger, runtime.logger);
        try {
          await queue.ensureQueue(runtime.pipeline);
          const queued = await queue.enqueue(runtime.pipeline, partition, 'cli');
          process.stdout.write(queued ? `${partition} queued\n` : `${partition} was already queued\n`);
        } finally {
          await queue.stop();
        }
        return EXIT.ok;
      });
    },
  },
  migrate: {
    summary: 'Apply pending migrations of the target and ops databases, then exit',
    usage: 'etl migrate',
    async run(args) {
      parseCommandArgs(args, {});
      return withRuntime(async ({ target, ops }) => {
        process.stdout.write(
          `target database migrated: ${target.describe()}\nops database migrated: ${ops.describe()}\n`,
        );
        return EXIT.ok;
      });
    },
  },
});
