import { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
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
  type BulkAdditions,
  type LoadRow,
  type RelationsSession,
  type RelationsStore,
} from './relations-store';

// Ids and 0/1 values are validated integers, so bulk statements write them as literals (one
// statement per 10,000 rows instead of 30,000 placeholders); text always goes through placeholders.

/**
 * MySQL named locks are server-wide: the name carries the database (hashed, as names are limited to
 * 64 characters), so loads of different databases on one server do not wait for each other.
 */
const LOCK_NAME = 'CONCAT(?, SHA1(DATABASE()))';

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

function intList(values: readonly number[]): string {
  return values.map(int).join(',');
}

class MysqlRelationsSession implements RelationsSession {
  private open = true;

  constructor(protected readonly runner: QueryRunner) {}

  protected query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.runner.query(sql, parameters) as Promise<T>;
  }

  async latestLoad(): Promise<{ id: number; sha256: string } | undefined> {
    const rows = await this.query<{ id: number; file_sha256: string }[]>(
      'SELECT id, file_sha256 FROM loads ORDER BY id DESC LIMIT 1',
    );
    return rows[0] && { id: Number(rows[0].id), sha256: rows[0].file_sha256 };
  }

  async startLoad(file: LoadFile): Promise<number> {
    const result = await this.query<{ insertId: number }>(
      `INSERT INTO loads (file_name, file_sha256, file_bytes, file_modified_at, started_at)
       VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))`,
      [file.name.slice(0, 255), file.sha256, file.bytes, file.modifiedAt],
    );
    return Number(result.insertId);
  }

  async readPeople(): Promise<Map<number, PersonRecord>> {
    const rows = await this.query<PersonRecord[]>(
      `SELECT id, row_label AS rowLabel, column_label AS columnLabel, list_label AS listLabel, name FROM people`,
    );
    return new Map(rows.map((row) => [Number(row.id), { ...row, id: Number(row.id) }]));
  }

  async ensurePeople(loadId: number, ids: readonly number[]): Promise<void> {
    for (const [start, end] of chunks(ids.length)) {
      const values = ids
        .slice(start, end)
        .map((id) => `(${int(id)},${int(loadId)},${int(loadId)})`)
        .join(',');
      await this.query(
        `INSERT INTO people (id, created_load_id, updated_load_id) VALUES ${values} ON DUPLICATE KEY UPDATE id = id`,
      );
    }
  }

  async storedRelations(persons: readonly number[]): Promise<StoredRelations> {
    const stored = new StoredRelations();
    if (persons.length === 0) return stored;
    const rows = await this.query<{ person: number; pairs: string }[]>(
      `SELECT person_id AS person, GROUP_CONCAT(related_person_id * 2 + value) AS pairs
       FROM relations WHERE person_id IN (${intList(persons)}) GROUP BY person_id`,
    );
    for (const row of rows) stored.pushPacked(Number(row.person), row.pairs);
    return stored;
  }

  async writeChanges(loadId: number, changes: PairChanges): Promise<void> {
    const { persons, related, before, after, length } = changes;
    const load = int(loadId);
    for (const [start, end] of chunks(length)) {
      let upserts = '';
      let history = '';
      const deletes = new Map<number, string>();
      for (let i = start; i < end; i++) {
        const person = persons[i]!;
        const old = before[i]!;
        const now = after[i]!;
        if (now === UNKNOWN) {
          const list = deletes.get(person);
          deletes.set(person, list === undefined ? String(related[i]) : `${list},${related[i]}`);
        } else {
          upserts += `${upserts ? ',' : ''}(${person},${related[i]},${now})`;
        }
        history +=
          `${history ? ',' : ''}(${load},${person},${related[i]},` +
          `${old === UNKNOWN ? 'NULL' : old},${now === UNKNOWN ? 'NULL' : now})`;
      }
      if (upserts) {
        await this.query(
          `INSERT INTO relations (person_id, related_person_id, value) VALUES ${upserts}
           ON DUPLICATE KEY UPDATE value = VALUES(value)`,
        );
      }
      if (deletes.size > 0) {
        const conditions = [...deletes].map(
          ([person, list]) => `(person_id = ${person} AND related_person_id IN (${list}))`,
        );
        await this.query(`DELETE FROM relations WHERE ${conditions.join(' OR ')}`);
      }
      await this.query(
        `INSERT INTO relation_changes (load_id, person_id, related_person_id, old_value, new_value) VALUES ${history}`,
      );
    }
  }

  async clearPeopleWithoutRow(loadId: number, persons: readonly number[]): Promise<number> {
    const absent = persons.length === 0 ? 'TRUE' : `person_id NOT IN (${intList(persons)})`;
    await this.query(
      `INSERT INTO relation_changes (load_id, person_id, related_person_id, old_value, new_value)
       SELECT ${int(loadId)}, person_id, related_person_id, value, NULL FROM relations WHERE ${absent}`,
    );
    const result = await this.query<{ affectedRows: number }>(`DELETE FROM relations WHERE ${absent}`);
    return Number(result.affectedRows);
  }

  async writePeople(loadId: number, people: readonly PersonRecord[]): Promise<void> {
    for (const [start, end] of chunks(people.length, 1000)) {
      const slice = people.slice(start, end);
      await this.query(
        `INSERT INTO people (id, row_label, column_label, list_label, name, created_load_id, updated_load_id)
         VALUES ${slice.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(',')}
         ON DUPLICATE KEY UPDATE row_label = VALUES(row_label), column_label = VALUES(column_label),
           list_label = VALUES(list_label), name = VALUES(name), updated_load_id = VALUES(updated_load_id)`,
        slice.flatMap((p) => [p.id, p.rowLabel, p.columnLabel, p.listLabel, p.name, loadId, loadId]),
      );
    }
  }

  async writeRejects(loadId: number, rejects: readonly CellReject[]): Promise<void> {
    for (const [start, end] of chunks(rejects.length, 1000)) {
      const slice = rejects.slice(start, end);
      await this.query(
        `INSERT INTO load_rejects (load_id, sheet, cell, value, reason) VALUES ${slice.map(() => '(?, ?, ?, ?, ?)').join(',')}`,
        slice.flatMap((r) => [
          loadId,
          r.sheet.slice(0, 64),
          r.cell,
          r.value.slice(0, 255),
          r.reason.slice(0, 255),
        ]),
      );
    }
  }

  async finishLoad(loadId: number, counts: LoadCounts): Promise<void> {
    await this.query(
      `UPDATE loads SET finished_at = UTC_TIMESTAMP(3), cells_read = ?, added = ?, changed = ?, unchanged = ?,
         cleared = ?, rejected = ?, people_added = ?, people_updated = ? WHERE id = ?`,
      [...loadCountValues(counts), loadId],
    );
  }

  async commit(): Promise<void> {
    await this.runner.commitTransaction();
    this.open = false;
  }

  async close(): Promise<void> {
    try {
      if (this.open && this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      this.open = false;
      try {
        // The named lock belongs to the connection: released even when the rollback failed.
        await this.runner.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [LOAD_LOCK]);
      } finally {
        await this.runner.release();
      }
    }
  }
}

/** The part of mysql2's connection (TypeORM's `databaseConnection`) that LOAD DATA LOCAL needs. */
interface Mysql2Connection {
  query(
    options: { sql: string; infileStreamFactory: () => Readable },
    callback: (error: Error | null, result?: { affectedRows: number; warningStatus?: number }) => void,
  ): void;
}

/**
 * Bytes per chunk of the LOAD DATA stream: mysql2 sends each chunk as one protocol packet, which must
 * stay under the server's max_allowed_packet (4 MB on MySQL 5.7, 16 MB on MariaDB and MySQL 8).
 */
const INFILE_CHUNK_BYTES = 1024 * 1024;

/** Writes a non-negative integer's ASCII digits at `at`; returns the position after them. */
function writeDigits(buffer: Buffer, at: number, value: number): number {
  if (value < 10) {
    buffer[at] = 48 + value;
    return at + 1;
  }
  const end = writeDigits(buffer, at, Math.floor(value / 10));
  buffer[end] = 48 + (value % 10);
  return end + 1;
}

/** `person TAB related TAB value LF` for each addition (ids are int32, so a line is at most 25 bytes). */
export function additionLines(changes: PairChanges): Buffer {
  const buffer = Buffer.allocUnsafe(changes.length * 25);
  let at = 0;
  for (let i = 0; i < changes.length; i++) {
    const value = changes.after[i]!;
    if (changes.before[i] !== UNKNOWN || value === UNKNOWN) {
      throw new Error('a load onto an empty relations table can only add pairs');
    }
    at = writeDigits(buffer, at, changes.persons[i]!);
    buffer[at++] = 9;
    at = writeDigits(buffer, at, changes.related[i]!);
    buffer[at++] = 9;
    buffer[at++] = 48 + value;
    buffer[at++] = 10;
  }
  return buffer.subarray(0, at);
}

/**
 * The lines of every batch in chunks of at most INFILE_CHUNK_BYTES (LOAD DATA does not mind where a
 * chunk splits a line). mysql2 pauses the stream while the socket is full, so memory stays bounded.
 */
export async function* infileChunks(batches: AsyncIterable<PairChanges>): AsyncGenerator<Buffer> {
  for await (const changes of batches) {
    const lines = additionLines(changes);
    for (let at = 0; at < lines.length; at += INFILE_CHUNK_BYTES) {
      yield lines.subarray(at, at + INFILE_CHUNK_BYTES);
    }
  }
}

/**
 * A session on a server that accepts LOAD DATA LOCAL (MariaDB's default; MySQL 8 needs local_infile
 * ON): a load onto an empty relations table streams all its pairs in one statement (addToEmpty).
 */
class MysqlBulkRelationsSession extends MysqlRelationsSession implements BulkAdditions {
  readonly bulk: BulkAdditions = this;

  async relationsEmpty(): Promise<boolean> {
    const rows = await this.query<unknown[]>('SELECT 1 FROM relations LIMIT 1');
    return rows.length === 0;
  }

  /**
   * Streams every addition into the empty relations table with one LOAD DATA LOCAL, then writes the
   * history from the table in one INSERT ... SELECT. Foreign-key and unique checks are off for these
   * two statements only, which lets MariaDB (10.6 and later) bulk-load the empty tables (sorted index
   * builds, no per-row undo) instead of checking row by row; MySQL 8 keeps its row-by-row insert but
   * still saves the statements' parsing. What the checks would catch cannot happen here: every pair
   * is (row id, column id) of the file, ids are unique per file (a repeated id is a reject), and the
   * caller inserts every such id into people before committing (all in this transaction, under the
   * load lock). LOAD DATA LOCAL turns errors into warnings, so the rows the server took are counted
   * against the rows sent, and any difference or warning fails the load.
   */
  async addToEmpty(loadId: number, batches: AsyncIterable<PairChanges>): Promise<number> {
    const connection = (this.runner as unknown as { databaseConnection: Mysql2Connection })
      .databaseConnection;
    let sent = 0;
    const counted = async function* () {
      for await (const changes of batches) {
        sent += changes.length;
        yield changes;
      }
    };
    let file: Readable | undefined;
    let failed: unknown;
    await this.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
    try {
      // Tab-separated fields and newline-terminated lines are LOAD DATA's defaults: no escapes in the
      // statement, so it reads the same under sql_mode NO_BACKSLASH_ESCAPES.
      const result = await new Promise<{ affectedRows: number; warningStatus?: number }>((resolve, reject) =>
        connection.query(
          {
            sql: `LOAD DATA LOCAL INFILE 'relations.tsv' INTO TABLE relations (person_id, related_person_id, value)`,
            infileStreamFactory: () => (file = Readable.from(infileChunks(counted()))),
          },
          (error, loaded) => (error ? reject(error) : resolve(loaded!)),
        ),
      );
      if (result.affectedRows !== sent || (result.warningStatus ?? 0) > 0) {
        throw new Error(
          `LOAD DATA took ${result.affectedRows} of ${sent} pairs (${result.warningStatus ?? 0} warnings)`,
        );
      }
      await this.query(
        `INSERT INTO relation_changes (load_id, person_id, related_person_id, old_value, new_value)
         SELECT ${int(loadId)}, person_id, related_person_id, NULL, value FROM relations`,
      );
      return sent;
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      // mysql2 abandons the stream when the connection fails: closing it closes the workbook's reader.
      file?.destroy();
      // Never hidden behind a failure to restore (a broken connection fails both).
      await this.query('SET SESSION foreign_key_checks = 1, unique_checks = 1').catch((restore: unknown) => {
        if (failed === undefined) throw restore;
      });
    }
  }
}

/** The relations tables on MySQL / MariaDB (in the URL's database), through TypeORM's mysql2 pool. */
export class MysqlRelationsStore implements RelationsStore {
  readonly kind = 'mysql' as const;

  constructor(private readonly dataSource: DataSource) {}

  async begin(): Promise<RelationsSession> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    let bulk: boolean;
    try {
      const [row] = (await runner.query(`SELECT GET_LOCK(${LOCK_NAME}, 0) AS locked`, [LOAD_LOCK])) as {
        locked: number;
      }[];
      locked = Number(row?.locked) === 1;
      if (!locked) throw new LoadInProgressError('another load of the relations database is running');
      // One person's packed relations can exceed the 1 MB default of GROUP_CONCAT.
      await runner.query('SET SESSION group_concat_max_len = 4294967295');
      const [infile] = (await runner.query('SELECT @@local_infile AS enabled')) as { enabled: number }[];
      bulk = Number(infile?.enabled) === 1;
      await runner.startTransaction();
    } catch (error) {
      // A named lock belongs to the connection: never hand it back to the pool still held.
      if (locked) await runner.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [LOAD_LOCK]).catch(() => undefined);
      await runner.release();
      throw error;
    }
    return bulk ? new MysqlBulkRelationsSession(runner) : new MysqlRelationsSession(runner);
  }

  async recentLoads(limit: number): Promise<LoadRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM loads ORDER BY id DESC LIMIT ${int(limit)}`,
    )) as LoadRow[];
    return rows.map(loadRecord);
  }
}
