import { withDatabaseName } from '@caudal/platform';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { createTestPostgres } from './test-postgres';

/** A throw-away database for an app whose production database is MySQL. */
export interface TestMysqlOrPostgres {
  url: string;
  kind: 'mysql' | 'postgres';
  /** Where the suite runs, for its title. */
  target: string;
  close(): Promise<void>;
}

/**
 * `caudal_t_<label>_<random>` (utf8mb4, utf8mb4_bin) on the MySQL/MariaDB server of TEST_MYSQL_URL;
 * with no TEST_MYSQL_URL, a throw-away PostgreSQL database (the engine of the embedded default,
 * which such apps use when their MySQL URL is unset). close() drops it.
 */
export async function createTestMysqlOrPostgres(
  label: string,
  /** 'postgres' forces PostgreSQL even when TEST_MYSQL_URL is set (to cover both engines). */
  kind?: 'mysql' | 'postgres',
): Promise<TestMysqlOrPostgres> {
  const server = process.env['TEST_MYSQL_URL'];
  if (!server || kind === 'postgres') {
    const pg = await createTestPostgres(label);
    return { url: pg.url, kind: 'postgres', target: 'PostgreSQL', close: () => pg.close() };
  }
  const name = `caudal_t_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(server);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(server, name),
    kind: 'mysql',
    target: 'MariaDB/MySQL (TEST_MYSQL_URL)',
    close: async () => {
      const connection = await createConnection(server);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Where suites using createTestMysqlOrPostgres run, for their titles. */
export const TEST_MYSQL_TARGET = process.env['TEST_MYSQL_URL']
  ? 'MariaDB/MySQL (TEST_MYSQL_URL)'
  : 'PostgreSQL, the engine of the embedded default (TEST_MYSQL_URL is unset)';

/** The engines a suite for a MySQL app can cover here: MySQL when TEST_MYSQL_URL is set, and PostgreSQL always. */
export const TEST_MYSQL_APP_ENGINES: ('mysql' | 'postgres')[] = process.env['TEST_MYSQL_URL']
  ? ['mysql', 'postgres']
  : ['postgres'];
