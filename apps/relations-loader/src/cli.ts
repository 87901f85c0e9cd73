import 'reflect-metadata';
import {
  createLogger,
  existingUserFile,
  EXIT,
  parseCommandArgs,
  runCommands,
  UsageError,
} from '@caudal/platform';
import {
  renderStatusTable,
  servePipelineWorker,
  UNPARTITIONED,
  withPipelineRuntime,
} from '@caudal/pipelines';
import { mkdirSync } from 'node:fs';
import {
  dropDirOf,
  loadRelationsConfig,
  openRelationsRuntime,
  type RelationsRuntime,
} from './relations-runtime';
import { describeRun, renderLoads } from './run-report';

/** Opens the runtime, runs `body`, and always closes the databases (and the embedded server it owns). */
async function withRuntime(
  body: (runtime: RelationsRuntime, interrupt: AbortSignal) => Promise<number>,
  file?: string,
): Promise<number> {
  // The configuration first: a bad LOG_LEVEL is a bad configuration (exit 2), like any other.
  const config = loadRelationsConfig();
  // One-shot commands talk through their own output; logs stay quiet unless LOG_LEVEL asks.
  const logger = createLogger('relations', process.env['LOG_LEVEL'] ? config.LOG_LEVEL : 'error');
  return withPipelineRuntime(await openRelationsRuntime(config, logger, file), body);
}

/** The --file a user gave, relative to the directory npm was run in. */
function workbookFile(value: string | undefined): string | undefined {
  return value === undefined ? undefined : existingUserFile(value);
}

runCommands('relations', {
  run: {
    summary: 'Load a workbook now: the newest .xlsx in RELATIONS_DROP_DIR, or the one given',
    usage: 'relations run [--file PATH]',
    async run(args) {
      const { values } = parseCommandArgs(args, { file: { type: 'string' } });
      const file = workbookFile(values.file);
      return withRuntime(async ({ executor, pipeline }, signal) => {
        const result = await executor.run(pipeline, UNPARTITIONED, 'cli', { signal });
        const out = result.status === 'failed' ? process.stderr : process.stdout;
        out.write(`${describeRun(result).join('\n')}\n`);
        return result.status === 'failed' ? EXIT.failed : EXIT.ok;
      }, file);
    },
  },
  worker: {
    summary: 'Serve the queue and the daily schedule (RELATIONS_SCHEDULE in RELATIONS_TIME_ZONE)',
    async run(args) {
      parseCommandArgs(args, {});
      const config = loadRelationsConfig();
      const dropDir = dropDirOf(config);
      mkdirSync(dropDir, { recursive: true });
      const runtime = await openRelationsRuntime(config);
      const queue = await servePipelineWorker(runtime);
      if (config.RELATIONS_RUN_ON_START === 'true') {
        await queue.enqueue(runtime.pipeline, UNPARTITIONED, 'schedule');
      }
      runtime.logger.info(
        {
          schedule: config.RELATIONS_SCHEDULE,
          timeZone: config.RELATIONS_TIME_ZONE,
          dropDir,
          relations: runtime.relations.describe(),
          runOnStart: config.RELATIONS_RUN_ON_START === 'true',
        },
        'relations worker serving the queue and the schedule',
      );
    },
  },
  status: {
    summary: 'Show the latest run and the latest loads (file versions with their counts)',
    usage: 'relations status [--loads N]',
    async run(args) {
      const { values } = parseCommandArgs(args, { loads: { type: 'string' } });
      const limit = values.loads === undefined ? 10 : Number(values.loads);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--loads must be an integer between 1 and 1000');
      return withRuntime(async ({ ledger, pipeline, store, config, relations }) => {
        const schedule = `${config.RELATIONS_SCHEDULE} (${config.RELATIONS_TIME_ZONE})`;
        process.stdout.write(
          `pipeline ${pipeline.name}: schedule ${schedule}, drop folder ${dropDirOf(config)}\n` +
            `relations database: ${relations.describe()}\n\n`,
        );
        process.stdout.write(renderStatusTable(await ledger.statuses(pipeline.name), [UNPARTITIONED]));
        process.stdout.write(`\n${renderLoads(await store.recentLoads(limit))}`);
        return EXIT.ok;
      });
    },
  },
  migrate: {
    summary: 'Apply pending migrations of the relations and ops databases, then exit',
    async run(args) {
      parseCommandArgs(args, {});
      return withRuntime(async ({ relations, ops }) => {
        process.stdout.write(
          `relations database migrated: ${relations.describe()}\nops database migrated: ${ops.describe()}\n`,
        );
        return EXIT.ok;
      });
    },
  },
});
