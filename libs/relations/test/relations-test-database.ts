import { openMigratedDatabase, withDatabaseName, type Database } from '@caudal/platform';
import { createTestPostgres } from '@caudal/testing';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { RELATIONS_MIGRATIONS, RELATIONS_ROLE } from '../src';

const mysqlUrl = process.env['TEST_MYSQL_URL'];

/** True when the suites run on an in-memory PGlite (neither TEST_MYSQL_URL nor TEST_POSTGRES_URL is set). */
export const ON_PGLITE = !mysqlUrl && !process.env['TEST_POSTGRES_URL'];

/** Where the integration suites run: the MySQL server of TEST_MYSQL_URL, else PostgreSQL (the embedded default's engine). */
export const TEST_TARGET = mysqlUrl
  ? 'MariaDB/MySQL (TEST_MYSQL_URL)'
  : 'PostgreSQL, the engine of the embedded default (TEST_MYSQL_URL is unset)';

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
export async function openRelationsTestDatabase(label: string): Promise<RelationsTestDatabase> {
  let db: Database;
  let drop: () => Promise<void>;
  if (mysqlUrl) {
    const name = `caudal_t_${label}_${randomBytes(4).toString('hex')}`;
    const admin = await createConnection(mysqlUrl);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.end();
    drop = async () => {
      const connection = await createConnection(mysqlUrl);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    };
    db = await openMigratedDatabase({
      role: RELATIONS_ROLE,
      url: withDatabaseName(mysqlUrl, name),
      migrations: RELATIONS_MIGRATIONS,
    });
  } else {
    const pg = await createTestPostgres(label);
    drop = () => pg.close();
    db = await openMigratedDatabase({ role: RELATIONS_ROLE, url: pg.url, migrations: RELATIONS_MIGRATIONS });
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
      await drop();
    },
  };
}
