import { openDatabase, withDatabaseName } from '@caudal/platform';
import { createTestPostgres } from '@caudal/testing';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

const mysqlUrl = process.env['TEST_MYSQL_URL'];

export const TEST_TARGET = mysqlUrl
  ? 'MariaDB/MySQL (TEST_MYSQL_URL)'
  : 'PostgreSQL, the engine of the embedded default (TEST_MYSQL_URL is unset)';

export interface RelationsTestUrl {
  url: string;
  /** Runs SQL on the relations tables (schema-qualified on PostgreSQL via `t()`). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  t(table: string): string;
  close(): Promise<void>;
}

/** An empty throw-away database for RELATIONS_DATABASE_URL: MySQL when TEST_MYSQL_URL is set, else PostgreSQL. */
export async function relationsTestUrl(label: string): Promise<RelationsTestUrl> {
  let url: string;
  let drop: () => Promise<void>;
  if (mysqlUrl) {
    const name = `caudal_t_${label}_${randomBytes(4).toString('hex')}`;
    const admin = await createConnection(mysqlUrl);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.end();
    url = withDatabaseName(mysqlUrl, name);
    drop = async () => {
      const connection = await createConnection(mysqlUrl);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    };
  } else {
    const pg = await createTestPostgres(label);
    url = pg.url;
    drop = () => pg.close();
  }
  return {
    url,
    t: (table) => (mysqlUrl ? table : `relations.${table}`),
    query: async <T>(sql: string) => {
      const db = await openDatabase({ role: 'relations', url });
      try {
        return (await db.dataSource.query(sql)) as T[];
      } finally {
        await db.close();
      }
    },
    close: drop,
  };
}
