import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { VARIABLES, type VariableName } from '../variables';
import type { ReadingRow } from './readings-format';
import type { ReadingsPageQuery, ReadingsRange } from './readings-query';

/**
 * A Date as the query parameter PostgreSQL reads exactly: ISO 8601 in UTC. node-postgres would send
 * the process's local time, which for years before ~1900 carries a local mean time offset with
 * seconds that it cuts to minutes (00:00Z sent as 00:34:08+00:34 in Europe/Zurich: 8 s late).
 */
function instant(date: Date): string {
  return date.toISOString();
}

export interface VariableCoverage {
  name: VariableName;
  unit: string;
  description: string;
  first: Date | null;
  last: Date | null;
}

const STREAM_BATCH = 2000;

// Column names come only from VARIABLES (validated names), never from the request text.
function selectList(variables: readonly VariableName[]): string {
  return [`to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, ...variables].join(
    ', ',
  );
}

// Rows stay in PostgreSQL's text form (see ReadingRow): no per-value parsing on the hot path.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

export interface ReadingsRepositoryOptions {
  /**
   * The database is PGlite: one session behind every connection. Streams then read by successive
   * keyset queries instead of a server-side cursor (which would hold the single session for the whole
   * stream), and statements are not prepared by name (names would collide between connections).
   */
  pglite: boolean;
}

/** Reads of source.data: one page by keyset, a whole range as a stream, and per-variable coverage. */
export class ReadingsRepository {
  constructor(
    private readonly pool: Pool,
    private readonly options: ReadingsRepositoryOptions = { pglite: false },
  ) {}

  /** Up to `limit` readings after the cursor, plus whether more follow. */
  async findPage(query: ReadingsPageQuery): Promise<{ rows: ReadingRow[]; hasMore: boolean }> {
    const from = query.after && query.after >= query.start ? query.after : query.start;
    const op = query.after && query.after >= query.start ? '>' : '>=';
    const result = await this.pool.query<ReadingRow>({
      ...(this.options.pglite
        ? {}
        : { name: `readings_page_${op === '>' ? 'after' : 'from'}_${query.variables.join('_')}` }),
      text:
        `SELECT ${selectList(query.variables)} FROM source.data ` +
        `WHERE "timestamp" ${op} $1 AND "timestamp" < $2 ORDER BY "timestamp" LIMIT $3`,
      values: [instant(from), instant(query.end), query.limit + 1],
      rowMode: 'array',
      types: TEXT_TYPES,
    });
    const hasMore = result.rows.length > query.limit;
    return { rows: hasMore ? result.rows.slice(0, query.limit) : result.rows, hasMore };
  }

  /**
   * One page already serialized as JSON items by PostgreSQL (`{"timestamp":...,"<variable>":...}`
   * joined by commas), the same text ReadingsFormatter writes: the rows never become JavaScript
   * values, which is what makes the paginated JSON route cheap. Returns the last item's timestamp
   * for the cursor.
   */
  async findPageJson(
    query: ReadingsPageQuery,
  ): Promise<{ items: string; count: number; last: string | null; hasMore: boolean }> {
    const afterCursor = query.after !== undefined && query.after >= query.start;
    const from = afterCursor ? query.after! : query.start;
    const item = [
      `'{"timestamp":"' || to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`,
      ...query.variables.map(
        (v) =>
          `',"${v}":' || coalesce(CASE WHEN ${v} IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN NULL ELSE ${v}::text END, 'null')`,
      ),
      `'}'`,
    ].join(' || ');
    const result = await this.pool.query<{
      items: string | null;
      count: number;
      last: string | null;
      more: boolean;
    }>({
      ...(this.options.pglite
        ? {}
        : { name: `readings_json_${afterCursor ? 'after' : 'from'}_${query.variables.join('_')}` }),
      text:
        `WITH page AS (SELECT row_number() OVER (ORDER BY "timestamp") AS rn, * FROM source.data ` +
        `WHERE "timestamp" ${afterCursor ? '>' : '>='} $1 AND "timestamp" < $2 ORDER BY "timestamp" LIMIT $3) ` +
        `SELECT string_agg(${item}, ',' ORDER BY rn) FILTER (WHERE rn < $3) AS items, ` +
        `count(*) FILTER (WHERE rn < $3)::int AS count, count(*) = $3 AS more, ` +
        `to_char(max("timestamp") FILTER (WHERE rn < $3) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last FROM page`,
      values: [instant(from), instant(query.end), query.limit + 1],
    });
    const row = result.rows[0]!;
    return { items: row.items ?? '', count: row.count, last: row.last, hasMore: row.more };
  }

  /**
   * Every reading of the range, in batches of `batchSize`: memory stays bounded by one batch however
   * long the range.
   */
  streamRange(range: ReadingsRange, batchSize = STREAM_BATCH): AsyncGenerator<ReadingRow[]> {
    return this.options.pglite
      ? this.streamByKeyset(range, batchSize)
      : this.streamWithCursor(range, batchSize);
  }

  private async *streamByKeyset(range: ReadingsRange, batchSize: number): AsyncGenerator<ReadingRow[]> {
    let after: Date | undefined;
    for (;;) {
      const { rows, hasMore } = await this.findPage({
        ...range,
        limit: batchSize,
        ...(after ? { after } : {}),
      });
      if (rows.length > 0) yield rows;
      if (!hasMore) return;
      after = new Date(rows[rows.length - 1]![0]);
    }
  }

  /** A server-side cursor on one connection, released when the iteration ends or stops. */
  private async *streamWithCursor(range: ReadingsRange, batchSize: number): AsyncGenerator<ReadingRow[]> {
    const client: PoolClient = await this.pool.connect();
    // An error the server sends between reads must not crash the process as an unhandled event.
    let clientError: Error | undefined;
    const onError = (error: Error) => (clientError = error);
    client.on('error', onError);
    const cursor = client.query(
      new Cursor<ReadingRow>(
        `SELECT ${selectList(range.variables)} FROM source.data ` +
          `WHERE "timestamp" >= $1 AND "timestamp" < $2 ORDER BY "timestamp"`,
        [instant(range.start), instant(range.end)],
        { rowMode: 'array', types: TEXT_TYPES },
      ),
    );
    let failed = false;
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (clientError) throw clientError;
        if (rows.length === 0) break;
        yield rows;
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      await cursor.close().catch(() => {
        failed = true;
      });
      client.removeListener('error', onError);
      // A connection whose cursor failed is discarded rather than returned to the pool.
      client.release(failed || clientError !== undefined);
    }
  }

  async coverage(): Promise<VariableCoverage[]> {
    const bounds = VARIABLES.flatMap((v) => [
      `(SELECT "timestamp" FROM source.data WHERE ${v.name} IS NOT NULL ORDER BY "timestamp" LIMIT 1) AS "${v.name}_first"`,
      `(SELECT "timestamp" FROM source.data WHERE ${v.name} IS NOT NULL ORDER BY "timestamp" DESC LIMIT 1) AS "${v.name}_last"`,
    ]);
    const { rows } = await this.pool.query<Record<string, Date | null>>(`SELECT ${bounds.join(', ')}`);
    const row = rows[0] ?? {};
    return VARIABLES.map((v) => ({
      name: v.name,
      unit: v.unit,
      description: v.description,
      first: row[`${v.name}_first`] ?? null,
      last: row[`${v.name}_last`] ?? null,
    }));
  }
}
