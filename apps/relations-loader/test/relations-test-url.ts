import { openDatabase } from '@caudal/platform';
import { createTestMysqlOrPostgres, TEST_MYSQL_TARGET } from '@caudal/testing';

export const TEST_TARGET = TEST_MYSQL_TARGET;

export interface RelationsTestUrl {
  url: string;
  /** Runs SQL on the relations tables (schema-qualified on PostgreSQL via `t()`). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  t(table: string): string;
  close(): Promise<void>;
}

/** An empty throw-away database for RELATIONS_DATABASE_URL: MySQL when TEST_MYSQL_URL is set, else PostgreSQL. */
export async function relationsTestUrl(label: string): Promise<RelationsTestUrl> {
  const database = await createTestMysqlOrPostgres(label);
  const url = database.url;
  return {
    url,
    t: (table) => (database.kind === 'mysql' ? table : `relations.${table}`),
    query: async <T>(sql: string) => {
      const db = await openDatabase({ role: 'relations', url });
      try {
        return (await db.dataSource.query(sql)) as T[];
      } finally {
        await db.close();
      }
    },
    close: () => database.close(),
  };
}
