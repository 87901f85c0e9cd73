import type { Pool } from 'pg';
import type { ReadingColumns } from './synthesize';

export interface SeedResult {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

const CHUNK = 20_000;

// Arrays in, one statement per chunk: bulk and idempotent (rows that already hold the same values
// are neither rewritten nor counted as updated). COPY is not used because it does not work through
// the embedded server (PGlite).
const UPSERT = `
  WITH upserted AS (
    INSERT INTO source.data ("timestamp", wind_speed, power, ambient_temperature)
    SELECT to_timestamp(t / 1000.0), w, p, a
    FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) AS r(t, w, p, a)
    ON CONFLICT ("timestamp") DO UPDATE
      SET wind_speed = excluded.wind_speed, power = excluded.power, ambient_temperature = excluded.ambient_temperature
      WHERE (data.wind_speed, data.power, data.ambient_temperature)
        IS DISTINCT FROM (excluded.wind_speed, excluded.power, excluded.ambient_temperature)
    RETURNING (xmax = 0) AS inserted
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
  FROM upserted`;

/** Writes readings into source.data in one transaction; returns what changed. */
export async function upsertReadings(
  pool: Pool,
  columns: ReadingColumns,
  onProgress?: (done: number, total: number) => void,
): Promise<SeedResult> {
  const total = columns.epochMs.length;
  const result: SeedResult = { rows: total, inserted: 0, updated: 0, unchanged: 0 };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let start = 0; start < total; start += CHUNK) {
      const end = Math.min(total, start + CHUNK);
      const { rows } = await client.query<{ inserted: number; updated: number }>(UPSERT, [
        columns.epochMs.slice(start, end),
        columns.windSpeed.slice(start, end),
        columns.power.slice(start, end),
        columns.ambientTemperature.slice(start, end),
      ]);
      result.inserted += rows[0]!.inserted;
      result.updated += rows[0]!.updated;
      onProgress?.(end, total);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  result.unchanged = total - result.inserted - result.updated;
  return result;
}

/** True when source.data holds at least one reading. */
export async function hasReadings(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ present: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM source.data) AS present',
  );
  return rows[0]!.present;
}
