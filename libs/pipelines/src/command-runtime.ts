import { interruptOnSignals, onShutdown, stopEmbeddedPostgres, type Logger } from '@caudal/platform';
import type { PipelineDefinition } from './definition';
import type { PartitionExecutor } from './executor';
import type { RunLedger } from './ledger/run-ledger';
import type { PipelineQueue } from './queue';
import { startPipelineWorker } from './worker.module';

/** What a pipeline app's commands open: its ops database, pipeline, ledger and executor. */
export interface PipelineRuntime {
  ops: { url: string };
  pipeline: PipelineDefinition;
  ledger: RunLedger;
  executor: PartitionExecutor;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Runs a one-shot command on an opened runtime and always closes it (and the embedded server it
 * may own). `interrupt` aborts on Ctrl-C / SIGTERM, so runs in progress are recorded as
 * interrupted rather than left running.
 */
export async function withPipelineRuntime<R extends PipelineRuntime>(
  runtime: R,
  body: (runtime: R, interrupt: AbortSignal) => Promise<number>,
): Promise<number> {
  const interrupt = interruptOnSignals();
  try {
    return await body(runtime, interrupt.signal);
  } finally {
    interrupt.dispose();
    await runtime.close();
    await stopEmbeddedPostgres();
  }
}

/**
 * Serves the runtime's pipeline as a worker replica (queue and schedule) until SIGINT / SIGTERM,
 * which interrupts the run in progress (it goes back in the queue) and closes everything.
 */
export async function servePipelineWorker(runtime: PipelineRuntime): Promise<PipelineQueue> {
  const { queue, close } = await startPipelineWorker({
    opsUrl: runtime.ops.url,
    pipelines: [runtime.pipeline],
    ledger: runtime.ledger,
    executor: runtime.executor,
    logger: runtime.logger,
  });
  onShutdown(async () => {
    await close();
    await runtime.close();
    await stopEmbeddedPostgres();
  });
  return queue;
}
