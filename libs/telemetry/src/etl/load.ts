import type { Pool } from 'pg';
import type { SignalValue } from './aggregate';

/** Signal ids by name, creating any signal the target does not have yet (e.g. a newly extracted variable). */
async function signalIds(client: { query: Pool['query'] }, names: string[]): Promise<Map<string, number>> {
  // Only names not there yet: ON CONFLICT alone would draw a sequence value for every existing name
  // on every run, and signal.id is a smallserial (32,767 values, ~4,000 runs of 8 signals).
  await client.query(
    `INSERT INTO target.signal (name)
     SELECT n FROM unnest($1::text[]) AS n WHERE NOT EXISTS (SELECT 1 FROM target.signal s WHERE s.name = n)
     ON CONFLICT (name) DO NOTHING`,
    [names],
  );
  const { rows } = await client.query<{ id: number; name: string }>(
    'SELECT id, name FROM target.signal WHERE name = ANY($1::text[])',
    [names],
  );
  return new Map(rows.map((row) => [row.name, row.id]));
}

/**
 * Replaces the window's rows of target.data with `values`, in one transaction: a re-run yields the
 * same rows, and a failure leaves the previous state. Returns the number of rows written.
 */
export async function replaceWindow(
  pool: Pool,
  window: { start: Date; end: Date },
  values: readonly SignalValue[],
  signals: readonly string[],
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const ids = await signalIds(client, [...signals]);
    await client.query(
      `DELETE FROM target.data WHERE "timestamp" >= $1 AND "timestamp" < $2 AND signal_id = ANY($3::smallint[])`,
      [window.start, window.end, [...ids.values()]],
    );
    const { rowCount } = await client.query(
      `INSERT INTO target.data ("timestamp", signal_id, value)
       SELECT to_timestamp(t / 1000.0), s, v FROM unnest($1::float8[], $2::smallint[], $3::float8[]) AS r(t, s, v)`,
      [values.map((v) => v.epochMs), values.map((v) => ids.get(v.signal)!), values.map((v) => v.value)],
    );
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
