import { createLogger } from '@caudal/platform';
import { NestFactory } from '@nestjs/core';
import {
  PartitionExecutor,
  PipelineQueue,
  PipelineWorkerModule,
  type PipelineDefinition,
  type QueueOptions,
  type RunLedger,
} from '../src';

// Shared by the worker suites: test pipelines and worker replicas as `etl worker` starts them.

export const ONE_ATTEMPT = { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 };

/** A daily pipeline, tried once unless `definition` says otherwise; no time zone: the default, UTC. */
export function dailyPipeline(
  name: string,
  definition: Pick<PipelineDefinition, 'run'> & Partial<PipelineDefinition>,
): PipelineDefinition {
  return { name, partitioning: 'daily', retry: ONE_ATTEMPT, ...definition };
}

/** A worker replica serving `pipeline` (queue consumer and schedule), as `etl worker` starts one. */
export async function startReplica(
  url: string,
  ledger: RunLedger,
  pipeline: PipelineDefinition,
  options: { queue?: QueueOptions; heartbeatEveryMs?: number } = {},
) {
  const logger = createLogger('worker-test', 'silent');
  const queue = await PipelineQueue.start(url, ledger, logger, options.queue);
  const heartbeat =
    options.heartbeatEveryMs === undefined ? {} : { heartbeatEveryMs: options.heartbeatEveryMs };
  const app = await NestFactory.createApplicationContext(
    PipelineWorkerModule.register({
      pipelines: [pipeline],
      queue,
      executor: new PartitionExecutor({ ledger, logger, ...heartbeat }),
      logger,
    }),
    { logger: false },
  );
  await app.init();
  return { queue, app };
}
