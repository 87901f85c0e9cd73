import { createLogger, openDatabase } from '@caudal/platform';
import { partitionRange, runBackfill } from '@caudal/pipelines';
import {
  readBaselWeather,
  readingsFromWeather,
  SOURCE_MIGRATIONS,
  SOURCE_ROLE,
  upsertReadings,
} from '@caudal/telemetry';
import { loadEtlConfig, openEtlRuntime } from '../apps/etl-worker/src/etl-runtime';
import { compareTime, freePort, median, startApp, stopApp, type Comparison } from './support';

const FLOOR_SQL = `
  SELECT date_bin('10 minutes', "timestamp", $1::timestamptz) AS bucket,
         avg(wind_speed), min(wind_speed), max(wind_speed), stddev_samp(wind_speed),
         avg(power), min(power), max(power), stddev_samp(power)
  FROM source.data WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1 ORDER BY 1`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Telemetry ETL: one date end to end (median of 5) and the seeded period backfilled at concurrency
 * 1 and 4, each beside the same aggregates computed by one SQL statement in PostgreSQL.
 */
export async function etlBench(urls: { source: string; target: string; ops: string }): Promise<Comparison[]> {
  const source = await openDatabase({ role: SOURCE_ROLE, url: urls.source, migrations: SOURCE_MIGRATIONS });
  await source.migrate();
  await upsertReadings(source.pgPool(), readingsFromWeather(readBaselWeather()));

  const port = await freePort();
  const connectorUrl = `http://127.0.0.1:${port}`;
  const app = await startApp(
    'apps/connector-api/src/cli.ts',
    ['serve'],
    { SOURCE_DATABASE_URL: urls.source, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    `${connectorUrl}/health`,
  );
  const etl = await openEtlRuntime(
    loadEtlConfig({
      CONNECTOR_API_URL: connectorUrl,
      TARGET_DATABASE_URL: urls.target,
      OPS_DATABASE_URL: urls.ops,
    }),
    createLogger('etl-bench', 'warn'),
  );
  const results: Comparison[] = [];
  try {
    const day = ['2024-10-01T00:00:00Z', '2024-10-02T00:00:00Z'];
    await etl.executor.run(etl.pipeline, '2024-10-01', 'cli'); // warm-up
    const oneDate: number[] = [];
    const oneFloor: number[] = [];
    // Every measured run writes the date afresh (its rows are removed before, untimed).
    const clearTarget = (from: string, to: string) =>
      etl.target
        .pgPool()
        .query('DELETE FROM target.data WHERE "timestamp" >= $1 AND "timestamp" < $2', [from, to]);
    for (let i = 0; i < 5; i++) {
      await clearTarget(day[0]!, day[1]!);
      oneDate.push(await timed(() => etl.executor.run(etl.pipeline, '2024-10-01', 'cli')));
      oneFloor.push(await timed(() => source.pgPool().query(FLOOR_SQL, day)));
    }
    results.push(compareTime('etl one date end to end (median of 5)', median(oneDate), median(oneFloor), 3));

    const dates = partitionRange('2024-10-01', '2024-10-23', 'daily');
    const period = ['2024-10-01T00:00:00Z', '2024-10-24T00:00:00Z'];
    const periodFloor = median([
      await timed(() => source.pgPool().query(FLOOR_SQL, period)),
      await timed(() => source.pgPool().query(FLOOR_SQL, period)),
      await timed(() => source.pgPool().query(FLOOR_SQL, period)),
    ]);
    for (const concurrency of [1, 4]) {
      let failed = 0;
      await clearTarget(period[0]!, period[1]!);
      const ms = await timed(async () => {
        const summary = await runBackfill(etl.executor, etl.pipeline, dates, { concurrency });
        failed = summary.failed;
      });
      if (failed > 0) throw new Error(`backfill at concurrency ${concurrency}: ${failed} dates failed`);
      results.push(
        compareTime(`etl backfill 23 days, concurrency ${concurrency}`, ms, periodFloor, 3, {
          per_date_ms: Math.round((ms / dates.length) * 10) / 10,
        }),
      );
    }
  } finally {
    await etl.close();
    await source.close();
    await stopApp(app);
  }
  return results;
}
