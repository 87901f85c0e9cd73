import { openDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import {
  hasReadings,
  randomReadings,
  readBaselWeather,
  readingsFromWeather,
  SOURCE_MIGRATIONS,
  SOURCE_ROLE,
  upsertReadings,
} from '../src';

describe('source seeding (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let source: Database;

  beforeAll(async () => {
    pg = await createTestPostgres('telemetry_seed');
    source = await openDatabase({ role: SOURCE_ROLE, url: pg.url, migrations: SOURCE_MIGRATIONS });
    expect(await source.migrate()).toEqual(['CreateSourceData1727740800000']);
  });

  afterAll(async () => {
    await source?.close();
    await pg?.close();
  });

  it('migrations are applied once', async () => {
    expect(await source.migrate()).toEqual([]);
  });

  it('loads the Basel period, then changes nothing when run again', async () => {
    const pool = source.pgPool();
    expect(await hasReadings(pool)).toBe(false);
    const columns = readingsFromWeather(readBaselWeather());
    const first = await upsertReadings(pool, columns);
    expect(first).toEqual({ rows: 33_061, inserted: 33_061, updated: 0, unchanged: 0 });

    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, min("timestamp") AS first, max("timestamp") AS last,
              count(*) FILTER (WHERE wind_speed IS NULL OR power IS NULL OR ambient_temperature IS NULL)::int AS nulls
       FROM source.data`,
    );
    expect(rows[0]).toEqual({
      n: 33_061,
      first: new Date('2024-10-01T00:00:00Z'),
      last: new Date('2024-10-23T23:00:00Z'),
      nulls: 0,
    });
    const sample = await pool.query(
      `SELECT wind_speed, power, ambient_temperature FROM source.data WHERE "timestamp" = '2024-10-01T00:30:00Z'`,
    );
    const i = 30;
    expect(sample.rows[0]).toEqual({
      wind_speed: columns.windSpeed[i],
      power: columns.power[i],
      ambient_temperature: columns.ambientTemperature[i],
    });

    const again = await upsertReadings(pool, columns);
    expect(again).toEqual({ rows: 33_061, inserted: 0, updated: 0, unchanged: 33_061 });
    expect(await hasReadings(pool)).toBe(true);
  });

  it('random mode writes its own period and updates readings it overlaps', async () => {
    const pool = source.pgPool();
    const random = randomReadings({ seed: 5, fromMs: Date.UTC(2024, 9, 23), days: 2 });
    const result = await upsertReadings(pool, random);
    // 2024-10-23T00:00 .. 23:00 already exist (61 * 23 - 22 = 1,381 minutes), the rest is new.
    expect(result.rows).toBe(2880);
    expect(result.updated).toBe(23 * 60 + 1);
    expect(result.inserted).toBe(2880 - (23 * 60 + 1));
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM source.data');
    expect(rows[0]!.n).toBe(33_061 + result.inserted);
    // An overlapped reading (2024-10-23T12:00, minute 720 of the random period) and a new one
    // (2024-10-24T12:00) now hold the random values.
    for (const i of [720, 2160]) {
      const stored = await pool.query(
        `SELECT wind_speed, power, ambient_temperature FROM source.data WHERE "timestamp" = $1`,
        [new Date(Date.UTC(2024, 9, 23) + i * 60_000)],
      );
      expect(stored.rows).toEqual([
        {
          wind_speed: random.windSpeed[i],
          power: random.power[i],
          ambient_temperature: random.ambientTemperature[i],
        },
      ]);
    }
  });
});
