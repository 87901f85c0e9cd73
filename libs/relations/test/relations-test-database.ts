import { openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestMysqlOrPostgres, TEST_MYSQL_APP_ENGINES, TEST_MYSQL_TARGET } from '@caudal/testing';
import { RELATIONS_MIGRATIONS, RELATIONS_ROLE } from '../src';

/** PostgreSQL here is PGlite when TEST_POSTGRES_URL is unset. */
export const PGLITE_FOR_POSTGRES = !process.env['TEST_POSTGRES_URL'];

/** MySQL when TEST_MYSQL_URL is set, and PostgreSQL (the embedded default's engine) always. */
export const RELATIONS_TEST_ENGINES = TEST_MYSQL_APP_ENGINES;

/** Where the integration suites run: the MySQL server of TEST_MYSQL_URL, else PostgreSQL (the embedded default's engine). */
export const TEST_TARGET = TEST_MYSQL_TARGET;

export interface RelationsTestDatabase {
  db: Database;
  /** A table or view name as the dialect spells it (schema "relations" on PostgreSQL). */
  table(name: string): string;
  /** Runs SQL without parameters and returns its rows. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  count(sql: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A throw-away, migrated relations database: `caudal_t_<label>_<random>` on the MySQL server of
 * TEST_MYSQL_URL (utf8mb4_bin, dropped by close()), or a throw-away PostgreSQL database.
 */
export async function openRelationsTestDatabase(
  label: string,
  kind?: 'mysql' | 'postgres',
): Promise<RelationsTestDatabase> {
  const database = await createTestMysqlOrPostgres(label, kind);
  let db: Database;
  try {
    db = await openMigratedDatabase({
      role: RELATIONS_ROLE,
      url: database.url,
      migrations: RELATIONS_MIGRATIONS,
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  const table = (name: string) => (db.kind === 'mysql' ? name : `relations.${name}`);
  const rows = async <T>(sql: string) => (await db.dataSource.query(sql)) as T[];
  return {
    db,
    table,
    rows,
    count: async (sql) => Number(Object.values((await rows<Record<string, unknown>>(sql))[0]!)[0]),
    close: async () => {
      await db.close();
      await database.close();
    },
  };
}
