import {
  caudalHome,
  createLogger,
  loadConfig,
  openMigratedDatabases,
  userPath,
  type Database,
  type Logger,
} from '@caudal/platform';
import {
  OPS_MIGRATIONS,
  OPS_ROLE,
  PartitionExecutor,
  RunLedger,
  type PipelineDefinition,
} from '@caudal/pipelines';
import {
  RELATIONS_MIGRATIONS,
  RELATIONS_ROLE,
  relationsPipeline,
  relationsStore,
  type RelationsStore,
  type WorkbookSource,
} from '@caudal/relations';
import { join } from 'node:path';
import { RelationsLoaderConfig } from './config';

export function loadRelationsConfig(env: NodeJS.ProcessEnv = process.env): RelationsLoaderConfig {
  return loadConfig('relations-loader', RelationsLoaderConfig, env);
}

/** The drop folder: RELATIONS_DROP_DIR (relative to the directory npm was run in), else under the Caudal home. */
export function dropDirOf(config: RelationsLoaderConfig): string {
  return config.RELATIONS_DROP_DIR === undefined
    ? join(caudalHome(), 'relations', 'drop')
    : userPath(config.RELATIONS_DROP_DIR);
}

/** Everything a command needs: the relations and ops databases (migrated), the pipeline, its ledger and executor. */
export interface RelationsRuntime {
  config: RelationsLoaderConfig;
  logger: Logger;
  relations: Database;
  ops: Database;
  store: RelationsStore;
  pipeline: PipelineDefinition;
  ledger: RunLedger;
  executor: PartitionExecutor;
  close(): Promise<void>;
}

/** Opens the runtime; `file` fixes the workbook of every run (else the newest in the drop folder). */
export async function openRelationsRuntime(
  config: RelationsLoaderConfig,
  logger = createLogger('relations-loader', config.LOG_LEVEL),
  file?: string,
): Promise<RelationsRuntime> {
  const [relations, ops] = await openMigratedDatabases([
    {
      role: RELATIONS_ROLE,
      url: config.RELATIONS_DATABASE_URL,
      migrations: RELATIONS_MIGRATIONS,
      poolSize: 4,
    },
    { role: OPS_ROLE, url: config.OPS_DATABASE_URL, migrations: OPS_MIGRATIONS, poolSize: 4 },
  ]);
  const store = relationsStore(relations);
  const source: WorkbookSource = file ? { file: userPath(file) } : { dropDir: dropDirOf(config) };
  const delay = config.RELATIONS_RETRY_DELAY_MS;
  const pipeline = relationsPipeline({
    store,
    source,
    cron: config.RELATIONS_SCHEDULE,
    timeZone: config.RELATIONS_TIME_ZONE,
    retry: {
      attempts: config.RELATIONS_RETRY_ATTEMPTS,
      initialDelayMs: delay,
      maxDelayMs: delay * 30,
      jitter: 0.2,
    },
  });
  const ledger = new RunLedger(ops.pgPool());
  return {
    config,
    logger,
    relations,
    ops,
    store,
    pipeline,
    ledger,
    executor: new PartitionExecutor({ ledger, logger }),
    close: async () => {
      await relations.close();
      await ops.close();
    },
  };
}
