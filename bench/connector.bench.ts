import { openDatabase } from '@caudal/platform';
import {
  randomReadings,
  readBaselWeather,
  readingsFromWeather,
  SOURCE_MIGRATIONS,
  SOURCE_ROLE,
  upsertReadings,
} from '@caudal/telemetry';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import {
  compare,
  freePort,
  pgbenchTps,
  pgQueryLoad,
  rssMb,
  startApp,
  stopApp,
  type Comparison,
} from './support';

const CONNECTIONS = 32;
const SECONDS = Number(process.env['BENCH_SECONDS'] || 15);
const STREAM_REPEATS = 20;

async function streamRows(url: string): Promise<number> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  let lines = 0;
  for await (const chunk of response.body) {
    for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
  }
  return lines;
}

/**
 * Connector API: 1-day JSON throughput and a 10-day NDJSON stream, each beside its floor (the same
 * query straight through pg), plus the API's memory while streaming a year.
 */
export async function connectorBench(databaseUrl: string, server: boolean): Promise<Comparison[]> {
  const source = await openDatabase({ role: SOURCE_ROLE, url: databaseUrl, migrations: SOURCE_MIGRATIONS });
  await source.migrate();
  await upsertReadings(source.pgPool(), readingsFromWeather(readBaselWeather()));
  // A year of random readings far from the demo period, for the memory check on a long stream.
  await upsertReadings(source.pgPool(), randomReadings({ seed: 1, fromMs: Date.UTC(2022, 0, 1), days: 365 }));
  await source.pgPool().query('ANALYZE source.data');
  await source.close();

  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const app = await startApp(
    'apps/connector-api/src/cli.ts',
    ['serve'],
    { SOURCE_DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' },
    `${api}/health`,
  );
  const pool = new Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const results: Comparison[] = [];
  try {
    // 1-day JSON window, all three variables (1,440 readings per response).
    const dayPath = '/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-02T00:00:00Z';
    await autocannon({ url: api + dayPath, connections: CONNECTIONS, duration: 2 }); // warm-up
    const http = await autocannon({ url: api + dayPath, connections: CONNECTIONS, duration: SECONDS });
    if (http.non2xx > 0 || http.errors > 0)
      throw new Error(`1-day JSON: ${http.non2xx} non-2xx, ${http.errors} errors`);
    const daySql =
      'SELECT "timestamp", wind_speed, power, ambient_temperature FROM source.data WHERE "timestamp" >= $1 AND "timestamp" < $2 ORDER BY "timestamp" LIMIT 1441';
    const floor = await pgQueryLoad(
      pool,
      daySql,
      ['2024-10-01T00:00:00Z', '2024-10-02T00:00:00Z'],
      CONNECTIONS,
      SECONDS,
    );
    // Context: the server alone, without a Node client's parsing (pgbench), when it is installed.
    const serverOnly = server
      ? pgbenchTps(
          databaseUrl,
          daySql.replace('$1', "'2024-10-01T00:00:00Z'").replace('$2', "'2024-10-02T00:00:00Z'"),
          CONNECTIONS,
          SECONDS,
        )
      : undefined;
    results.push(
      compare('connector 1-day JSON', 'req/s', http.requests.average, floor.perSecond, 0.25, {
        p99_ms: http.latency.p99,
        floor_p99_ms: Math.round(floor.p99Ms * 10) / 10,
        rows: floor.rowsPerQuery,
      }),
    );
    if (serverOnly) {
      results.push(
        compare('connector 1-day JSON vs pgbench', 'req/s', http.requests.average, serverOnly, 0.25),
      );
    }

    // 10-day NDJSON stream (14,400 readings), sequential requests.
    const streamUrl = `${api}/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-11T00:00:00Z&format=ndjson`;
    await streamRows(streamUrl);
    let rows = 0;
    let t = performance.now();
    for (let i = 0; i < STREAM_REPEATS; i++) rows += await streamRows(streamUrl);
    const streamRate = rows / ((performance.now() - t) / 1000);
    let floorRows = 0;
    t = performance.now();
    for (let i = 0; i < STREAM_REPEATS; i++) {
      const result = await pool.query(
        'SELECT "timestamp", wind_speed, power, ambient_temperature FROM source.data WHERE "timestamp" >= $1 AND "timestamp" < $2 ORDER BY "timestamp"',
        ['2024-10-01T00:00:00Z', '2024-10-11T00:00:00Z'],
      );
      floorRows += result.rowCount ?? 0;
    }
    const floorRate = floorRows / ((performance.now() - t) / 1000);

    // Memory while streaming a whole year (525,600 readings): sampled every 20 ms.
    const before = rssMb(app.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.pid!))), 20);
    const yearRows = await streamRows(`${api}/v1/readings?start=2022-01-01&end=2023-01-01&format=ndjson`);
    clearInterval(sampler);
    results.push(
      compare('connector 10-day NDJSON stream', 'rows/s', streamRate, floorRate, 0.5, {
        rows_per_request: rows / STREAM_REPEATS,
        year_stream_rows: yearRows,
        rss_before_mb: Math.round(before),
        rss_peak_mb: Math.round(peak),
      }),
    );
  } finally {
    await pool.end();
    await stopApp(app);
  }
  return results;
}
