import {
  DEFAULT_RETRY,
  NonRetryableError,
  type PipelineDefinition,
  type RetryPolicy,
} from '@caudal/pipelines';
import type { Pool } from 'pg';
import type { VariableName } from '../variables';
import { STATISTICS, signalName } from '../target/target-schema';
import { BucketAggregator } from './aggregate';
import { extractReadings } from './extract';
import { replaceWindow } from './load';

export const TELEMETRY_ETL = 'telemetry-etl';

export interface TelemetryEtlOptions {
  connectorUrl: string;
  target: Pool;
  variables: readonly VariableName[];
  timeZone: string;
  /** Cron of the daily run (in `timeZone`); it processes the day before the tick. */
  cron: string;
  /** Whole-run retries (the executor); each run also retries its HTTP request (`requestRetry`). */
  retry?: RetryPolicy;
  requestRetry?: RetryPolicy;
  requestTimeoutMs?: number;
}

/**
 * The telemetry ETL as a daily partitioned pipeline: one date's readings, streamed from the
 * connector API, into 10-minute mean / min / max / std per variable in target.data.
 */
export function telemetryEtlPipeline(options: TelemetryEtlOptions): PipelineDefinition {
  const signals = options.variables.flatMap((v) => STATISTICS.map((s) => signalName(v, s)));
  return {
    name: TELEMETRY_ETL,
    partitioning: 'daily',
    timeZone: options.timeZone,
    schedule: { cron: options.cron, timeZone: options.timeZone },
    retry: options.retry ?? DEFAULT_RETRY,
    async run(_partition, context) {
      const window = context.window!;
      let aggregator = new BucketAggregator(window.start.getTime(), window.end.getTime(), options.variables);
      const { attempts } = await extractReadings(
        {
          connectorUrl: options.connectorUrl,
          variables: options.variables,
          timeoutMs: options.requestTimeoutMs ?? 30_000,
          retry: options.requestRetry ?? { attempts: 3, initialDelayMs: 500, maxDelayMs: 5000, jitter: 0.2 },
          signal: context.signal,
        },
        window,
        (reading) => {
          try {
            aggregator.add(reading);
          } catch (error) {
            // The connector answered with a reading the request did not ask for: asking again won't help.
            if (error instanceof RangeError)
              throw new NonRetryableError(`connector API sent a ${error.message}`);
            throw error;
          }
        },
        () =>
          (aggregator = new BucketAggregator(
            window.start.getTime(),
            window.end.getTime(),
            options.variables,
          )),
      );
      const values = aggregator.values();
      const written = await replaceWindow(options.target, window, values, signals);
      const points = aggregator.pointsPerBucket();
      context.metadata({
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
        variables: options.variables,
        request_attempts: attempts,
        buckets: Object.keys(points).length,
        points_per_bucket: points,
        ...(aggregator.readings === 0 ? { note: 'no source readings in this window' } : {}),
      });
      return { rowsRead: aggregator.readings, rowsWritten: written };
    },
  };
}
