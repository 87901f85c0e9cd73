import {
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
import { TARGET_MIGRATIONS, TARGET_ROLE, telemetryEtlPipeline, type VariableName } from '@caudal/telemetry';
import { EtlConfig } from './config';

export function loadEtlConfig(env: NodeJS.ProcessEnv = process.env): EtlConfig {
  return loadConfig('etl-worker', EtlConfig, env);
}

/** Everything a command needs: the databases (migrated), the pipeline, its ledger and executor. */
export interface EtlRuntime {
  config: EtlConfig;
  logger: Logger;
  target: Database;
  ops: Database;
  pipeline: PipelineDefinition;
  ledger: RunLedger;
  executor: PartitionExecutor;
  close(): Promise<void>;
}

export async function openEtlRuntime(
  config: EtlConfig,
  logger = createLogger('etl-worker', config.LOG_LEVEL),
): Promise<EtlRuntime> {
  const [target, ops] = await openMigratedDatabases([
    { role: TARGET_ROLE, url: config.TARGET_DATABASE_URL, migrations: TARGET_MIGRATIONS, poolSize: 8 },
    { role: OPS_ROLE, url: config.OPS_DATABASE_URL, migrations: OPS_MIGRATIONS, poolSize: 8 },
  ]);
  const retryDelay = config.ETL_RETRY_DELAY_MS;
  const pipeline = telemetryEtlPipeline({
    connectorUrl: config.CONNECTOR_API_URL,
    target: target.pgPool(),
    variables: config.ETL_VARIABLES.split(',').map((v) => v.trim()) as VariableName[],
    timeZone: config.ETL_TIME_ZONE,
    cron: config.ETL_SCHEDULE,
    retry: {
      attempts: config.ETL_RETRY_ATTEMPTS,
      initialDelayMs: retryDelay * 5,
      maxDelayMs: retryDelay * 60,
      jitter: 0.2,
    },
    requestRetry: { attempts: 3, initialDelayMs: retryDelay, maxDelayMs: retryDelay * 8, jitter: 0.2 },
    requestTimeoutMs: config.ETL_REQUEST_TIMEOUT_MS,
  });
  const ledger = new RunLedger(ops.pgPool());
  return {
    config,
    logger,
    target,
    ops,
    pipeline,
    ledger,
    executor: new PartitionExecutor({ ledger, logger }),
    close: async () => {
      await target.close();
      await ops.close();
    },
  };
}
