import {
  caudalHome,
  createLogger,
  loadConfig,
  openMigratedDatabases,
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
import { join, resolve } from 'node:path';
import { RelationsLoaderConfig } from './config';

export function loadRelationsConfig(env: NodeJS.ProcessEnv = process.env): RelationsLoaderConfig {
  return loadConfig('relations-loader', RelationsLoaderConfig, env);
}

export function dropDirOf(config: RelationsLoaderConfig): string {
  return resolve(config.RELATIONS_DROP_DIR ?? join(caudalHome(), 'relations', 'drop'));
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
  const source: WorkbookSource = file ? { file: resolve(file) } : { dropDir: dropDirOf(config) };
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
