import type { Pool, PoolClient } from 'pg';
import { StoredRelations, UNKNOWN, type PairChanges } from '../diff/relation-diff';
import type { PersonRecord } from '../diff/people-merge';
import type { CellReject } from '../workbook/cell-values';
import {
  loadCountValues,
  chunks,
  LOAD_LOCK,
  LoadInProgressError,
  loadRecord,
  type LoadCounts,
  type LoadFile,
  type LoadRecord,
  type RelationsSession,
  type RelationsStore,
} from './relations-store';

// The same tables in schema "relations" of PostgreSQL (the embedded default). Bulk statements take
// column arrays (unnest), which also work through the embedded PGlite, where COPY does not.

const ARRAY_CHUNK = 50_000;

class PostgresRelationsSession implements RelationsSession {
  private open = true;

  constructor(private readonly client: PoolClient) {}

  async latestLoad(): Promise<{ id: number; sha256: string } | undefined> {
    const { rows } = await this.client.query<{ id: number; file_sha256: string }>(
      'SELECT id, file_sha256 FROM relations.loads ORDER BY id DESC LIMIT 1',
    );
    return rows[0] && { id: rows[0].id, sha256: rows[0].file_sha256 };
  }

  async startLoad(file: LoadFile): Promise<number> {
    const { rows } = await this.client.query<{ id: number }>(
      `INSERT INTO relations.loads (file_name, file_sha256, file_bytes, file_modified_at, started_at)
       VALUES ($1, $2, $3, $4, clock_timestamp()) RETURNING id`,
      [file.name, file.sha256, file.bytes, file.modifiedAt],
    );
    return rows[0]!.id;
  }

  async readPeople(): Promise<Map<number, PersonRecord>> {
    const { rows } = await this.client.query<PersonRecord>(
      `SELECT id, row_label AS "rowLabel", column_label AS "columnLabel", list_label AS "listLabel", name
       FROM relations.people`,
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  async ensurePeople(loadId: number, ids: readonly number[]): Promise<void> {
    for (const [start, end] of chunks(ids.length, ARRAY_CHUNK)) {
      await this.client.query(
        `INSERT INTO relations.people (id, created_load_id, updated_load_id)
         SELECT id, $1, $1 FROM unnest($2::int[]) AS t(id) ON CONFLICT (id) DO NOTHING`,
        [loadId, ids.slice(start, end)],
      );
    }
  }

  async storedRelations(persons: readonly number[]): Promise<StoredRelations> {
    const stored = new StoredRelations();
    if (persons.length === 0) return stored;
    const { rows } = await this.client.query<{ person: number; pairs: string }>(
      `SELECT person_id AS person, string_agg((related_person_id::bigint * 2 + value)::text, ',') AS pairs
       FROM relations.relations WHERE person_id = ANY($1::int[]) GROUP BY person_id`,
      [persons],
    );
    for (const row of rows) stored.pushPacked(row.person, row.pairs);
    return stored;
  }

  async writeChanges(loadId: number, changes: PairChanges): Promise<void> {
    const nullable = (value: number) => (value === UNKNOWN ? null : value);
    for (const [start, end] of chunks(changes.length, ARRAY_CHUNK)) {
      const p = Array.from(changes.persons.subarray(start, end));
      const r = Array.from(changes.related.subarray(start, end));
      const b = Array.from(changes.before.subarray(start, end), nullable);
      const a = Array.from(changes.after.subarray(start, end), nullable);
      await this.client.query(
        `INSERT INTO relations.relations (person_id, related_person_id, value)
         SELECT p, r, a FROM unnest($1::int[], $2::int[], $3::smallint[]) AS c(p, r, a) WHERE a IS NOT NULL
         ON CONFLICT (person_id, related_person_id) DO UPDATE SET value = excluded.value`,
        [p, r, a],
      );
      if (a.includes(null)) {
        await this.client.query(
          `DELETE FROM relations.relations t USING unnest($1::int[], $2::int[], $3::smallint[]) AS c(p, r, a)
           WHERE c.a IS NULL AND t.person_id = c.p AND t.related_person_id = c.r`,
          [p, r, a],
        );
      }
      await this.client.query(
        `INSERT INTO relations.relation_changes (load_id, person_id, related_person_id, old_value, new_value)
         SELECT $1, p, r, b, a FROM unnest($2::int[], $3::int[], $4::smallint[], $5::smallint[]) AS c(p, r, b, a)`,
        [loadId, p, r, b, a],
      );
    }
  }

  async clearPeopleWithoutRow(loadId: number, persons: readonly number[]): Promise<number> {
    const { rowCount } = await this.client.query(
      `WITH cleared AS (
         DELETE FROM relations.relations WHERE NOT (person_id = ANY($2::int[]))
         RETURNING person_id, related_person_id, value
       )
       INSERT INTO relations.relation_changes (load_id, person_id, related_person_id, old_value, new_value)
       SELECT $1, person_id, related_person_id, value, NULL FROM cleared`,
      [loadId, persons],
    );
    return rowCount ?? 0;
  }

  async writePeople(loadId: number, people: readonly PersonRecord[]): Promise<void> {
    for (const [start, end] of chunks(people.length, ARRAY_CHUNK)) {
      const slice = people.slice(start, end);
      await this.client.query(
        `INSERT INTO relations.people (id, row_label, column_label, list_label, name, created_load_id, updated_load_id)
         SELECT id, r, c, l, n, $1, $1 FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, r, c, l, n)
         ON CONFLICT (id) DO UPDATE SET row_label = excluded.row_label, column_label = excluded.column_label,
           list_label = excluded.list_label, name = excluded.name, updated_load_id = excluded.updated_load_id`,
        [
          loadId,
          slice.map((p) => p.id),
          slice.map((p) => p.rowLabel),
          slice.map((p) => p.columnLabel),
          slice.map((p) => p.listLabel),
          slice.map((p) => p.name),
        ],
      );
    }
  }

  async writeRejects(loadId: number, rejects: readonly CellReject[]): Promise<void> {
    for (const [start, end] of chunks(rejects.length, ARRAY_CHUNK)) {
      const slice = rejects.slice(start, end);
      await this.client.query(
        `INSERT INTO relations.load_rejects (load_id, sheet, cell, value, reason)
         SELECT $1, s, c, v, r FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(s, c, v, r)`,
        [
          loadId,
          slice.map((r) => r.sheet),
          slice.map((r) => r.cell),
          slice.map((r) => r.value),
          slice.map((r) => r.reason),
        ],
      );
    }
  }

  async finishLoad(loadId: number, counts: LoadCounts): Promise<void> {
    await this.client.query(
      `UPDATE relations.loads SET finished_at = clock_timestamp(), cells_read = $2, added = $3, changed = $4,
         unchanged = $5, cleared = $6, rejected = $7, people_added = $8, people_updated = $9 WHERE id = $1`,
      [loadId, ...loadCountValues(counts)],
    );
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    this.open = false;
  }

  async close(): Promise<void> {
    let broken: Error | undefined;
    try {
      if (this.open) await this.client.query('ROLLBACK');
    } catch (error) {
      broken = error as Error; // the connection is unusable: destroyed, not returned to the pool
      throw error;
    } finally {
      this.open = false;
      this.client.release(broken);
    }
  }
}

/** The relations tables on PostgreSQL (schema "relations"), through the platform's pg pool. */
export class PostgresRelationsStore implements RelationsStore {
  readonly kind = 'postgres' as const;

  constructor(private readonly pool: Pool) {}

  async begin(): Promise<RelationsSession> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [LOAD_LOCK],
      );
      if (!rows[0]?.locked)
        throw new LoadInProgressError('another load of the relations database is running');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw error;
    }
    return new PostgresRelationsSession(client);
  }

  async recentLoads(limit: number): Promise<LoadRecord[]> {
    const { rows } = await this.pool.query(`SELECT * FROM relations.loads ORDER BY id DESC LIMIT $1`, [
      limit,
    ]);
    return rows.map(loadRecord);
  }
}
