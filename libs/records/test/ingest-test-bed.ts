import { openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { RECORDS_MIGRATIONS, RECORDS_ROLE } from '../src';

// Contacts ingestion against a real database (a new database on the server named by
// TEST_POSTGRES_URL, or PGlite when it is unset), migrated to the records schema, with a temp
// directory for the CSV files a suite writes.

export const HEADER =
  'first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department';

/** One row of records.rejects, as the suites compare it. */
export interface RejectRow {
  line_number: number;
  raw_line: string;
  reasons: string[];
}

/** What the ingestion suites share: a migrated records database and a directory for CSV files. */
export interface IngestTestBed {
  db: Database;
  /** The suite's database, for a child process to connect to. */
  url: string;
  /** The number of rows in records.`table`. */
  count(table: string): Promise<number>;
  /** The rejects of one file, in line order. */
  rejectsOf(fileName: string): Promise<RejectRow[]>;
  /** Writes a file into the bed's temp directory and returns its path. */
  write(name: string, content: string | Buffer): string;
}

/**
 * Sets up the bed before the suite's tests (and tears it down after); read its fields in tests.
 * `label` names the suite's own database (each suite starts from an empty one).
 */
export function ingestTestBed(label: string): IngestTestBed {
  let pg: TestPostgres;
  let dir: string;
  const bed = {
    async count(table: string): Promise<number> {
      return Number((await bed.db.pgPool().query(`SELECT count(*) AS n FROM records.${table}`)).rows[0].n);
    },
    async rejectsOf(fileName: string): Promise<RejectRow[]> {
      const { rows } = await bed.db.pgPool().query<RejectRow>(
        `SELECT r.line_number, r.raw_line, r.reasons FROM records.rejects r JOIN records.ingestions i ON i.id = r.ingestion_id
         WHERE i.file_name = $1 ORDER BY r.line_number`,
        [fileName],
      );
      return rows;
    },
    write(name: string, content: string | Buffer): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  } as IngestTestBed;

  beforeAll(async () => {
    pg = await createTestPostgres(label);
    bed.url = pg.url;
    bed.db = await openMigratedDatabase({ role: RECORDS_ROLE, url: pg.url, migrations: RECORDS_MIGRATIONS });
    dir = mkdtempSync(join(tmpdir(), 'caudal-records-'));
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await bed.db?.close();
    await pg?.close();
  });
  return bed;
}

/**
 * The pool, with `onQuery` called with the text of every statement it runs (on the pool or on a
 * client it lends), just before the statement is sent.
 */
export function watchedPool(pool: Pool, onQuery: (sql: string) => void): Pool {
  const watched =
    (target: Pool | PoolClient) =>
    (text: unknown, ...rest: unknown[]): unknown => {
      onQuery(typeof text === 'string' ? text : String((text as { text?: unknown })?.text));
      return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
    };
  const client = (target: PoolClient) =>
    new Proxy(target, { get: (c, key) => (key === 'query' ? watched(c) : Reflect.get(c, key, c)) });
  return new Proxy(pool, {
    get: (p, key) => {
      if (key === 'query') return watched(p);
      if (key === 'connect') return async () => client(await p.connect());
      return Reflect.get(p, key, p);
    },
  });
}
