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
import { compareTime, freePort, median, startApp, stopApp, timeContext, type Comparison } from './support';

const FLOOR_SQL = `
  SELECT date_bin('10 minutes', "timestamp", $1::timestamptz) AS bucket,
         avg(wind_speed), min(wind_speed), max(wind_speed), stddev_samp(wind_speed),
         avg(power), min(power), max(power), stddev_samp(power)
  FROM source.data WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1 ORDER BY 1`;

/**
 * The write alone, for context: rows the ETL stored, inserted into target.data again by one statement.
 * The seed's schema checks the foreign key of every row (data.signal_id -> signal); the same insert
 * into NO_FK_TABLE (target.data's columns, primary key and indexes, but no foreign key: CREATE TABLE
 * ... LIKE never copies one) shows what that check costs.
 */
const NO_FK_TABLE = 'target.bench_data_without_fk';
const writeSql = (table: string) => `
  INSERT INTO ${table} ("timestamp", signal_id, value)
  SELECT * FROM unnest($1::timestamptz[], $2::smallint[], $3::float8[])`;

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
    /**
     * The window's rows as the ETL stored them, inserted again by one statement into target.data and
     * into NO_FK_TABLE (median of `runs` each).
     */
    const writeAlone = async (from: string, to: string, runs: number) => {
      const pool = etl.target.pgPool();
      const stored = await pool.query<{ timestamp: Date; signal_id: number; value: number | null }>(
        'SELECT "timestamp", signal_id, value FROM target.data WHERE "timestamp" >= $1 AND "timestamp" < $2',
        [from, to],
      );
      const columns = [
        stored.rows.map((r) => r.timestamp),
        stored.rows.map((r) => r.signal_id),
        stored.rows.map((r) => r.value),
      ];
      const withFk: number[] = [];
      const withoutFk: number[] = [];
      for (let i = 0; i < runs; i++) {
        await clearTarget(from, to);
        withFk.push(await timed(() => pool.query(writeSql('target.data'), columns)));
        await pool.query(`TRUNCATE ${NO_FK_TABLE}`);
        withoutFk.push(await timed(() => pool.query(writeSql(NO_FK_TABLE), columns)));
      }
      return { rows: stored.rowCount ?? 0, ms: median(withFk), withoutFkMs: median(withoutFk) };
    };
    await etl.target.pgPool().query(`DROP TABLE IF EXISTS ${NO_FK_TABLE}`);
    await etl.target.pgPool().query(`CREATE TABLE ${NO_FK_TABLE} (LIKE target.data INCLUDING ALL)`);
    for (let i = 0; i < 5; i++) {
      await clearTarget(day[0]!, day[1]!);
      oneDate.push(await timed(() => etl.executor.run(etl.pipeline, '2024-10-01', 'cli')));
      oneFloor.push(await timed(() => source.pgPool().query(FLOOR_SQL, day)));
    }
    results.push(compareTime('etl one date end to end (median of 5)', median(oneDate), median(oneFloor), 3));

    // Two parts of a run, each without any of the ETL's own code, beside the same floor: what the
    // seed's schema (the FK on data.signal_id) and an HTTP extract cost by themselves.
    const dayWrite = await writeAlone(day[0]!, day[1]!, 5);
    const fetchOnly: number[] = [];
    const ndjsonUrl = `${connectorUrl}/v1/readings?start=${day[0]}&end=${day[1]}&variables=wind_speed,power&format=ndjson`;
    for (let i = 0; i < 5; i++) fetchOnly.push(await timed(async () => (await fetch(ndjsonUrl)).text()));
    results.push(
      timeContext(`part: INSERT of the date's ${dayWrite.rows} rows alone`, dayWrite.ms, median(oneFloor)),
      timeContext('part: the same INSERT without the foreign key', dayWrite.withoutFkMs, median(oneFloor)),
      timeContext("part: plain fetch() of the date's NDJSON alone", median(fetchOnly), median(oneFloor)),
    );

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
    const periodWrite = await writeAlone(period[0]!, period[1]!, 3);
    results.push(
      timeContext(`part: INSERT of the period's ${periodWrite.rows} rows alone`, periodWrite.ms, periodFloor),
      timeContext('part: the same INSERT without the foreign key', periodWrite.withoutFkMs, periodFloor),
    );
  } finally {
    await etl.target
      .pgPool()
      .query(`DROP TABLE IF EXISTS ${NO_FK_TABLE}`)
      .catch(() => undefined);
    await etl.close();
    await source.close();
    await stopApp(app);
  }
  return results;
}
