import { findWorkspaceRoot, openMigratedDatabase, type DatabaseSpec } from '@caudal/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestPostgres } from './test-postgres';

/**
 * A PostgreSQL schema as sorted text lines: its tables' columns, constraints and indexes, its views'
 * definitions, and the rows `dataQueries` answer (e.g. seeded reference rows). The migrations'
 * bookkeeping table (`<schema>_migrations`) is left out.
 */
export async function describePostgresSchema(
  url: string,
  schema: string,
  dataQueries: readonly string[] = [],
): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const bookkeeping = `${schema}_migrations`;
    const queries = [
      `SELECT table_name || '.' || column_name || ' ' || data_type ||
              coalesce('(' || coalesce(character_maximum_length, datetime_precision) || ')', '') || ' ' ||
              is_nullable || ' ' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> $2`,
      `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
       FROM pg_constraint WHERE connamespace = $1::regnamespace AND conrelid::regclass::text <> $1 || '.' || $2`,
      `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = $1 AND tablename <> $2`,
      `SELECT 'view ' || viewname || ': ' || definition AS line FROM pg_views WHERE schemaname = $1 AND viewname <> $2`,
    ];
    const lines: string[] = [];
    for (const sql of queries) {
      lines.push(
        ...(await client.query<{ line: string }>(sql, [schema, bookkeeping])).rows.map((r) => r.line),
      );
    }
    for (const sql of dataQueries) {
      const { rows } = await client.query(sql);
      lines.push(...rows.map((row) => `${sql}: ${JSON.stringify(row)}`));
    }
    return lines.sort();
  } finally {
    await client.end();
  }
}

/**
 * The schema of `spec.role` built two ways on one fresh test database: by the role's migrations,
 * then (that schema dropped) by running `sqlFile` (a path from the workspace root, e.g.
 * infra/sql/target.sql). A test expects the two to be equal, so the readable SQL cannot drift from
 * the migrations.
 */
export async function schemaBuiltTwoWays(options: {
  spec: Omit<DatabaseSpec, 'url'>;
  sqlFile: string;
  dataQueries?: readonly string[];
}): Promise<{ migrated: string[]; fromFile: string[] }> {
  const { role } = options.spec;
  const pg = await createTestPostgres(`${role}_readable_sql`);
  try {
    const db = await openMigratedDatabase({ ...options.spec, url: pg.url });
    await db.close();
    const migrated = await describePostgresSchema(pg.url, role, options.dataQueries);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA "${role}" CASCADE`);
      await client.query(readFileSync(join(findWorkspaceRoot(__dirname), options.sqlFile), 'utf8'));
    } finally {
      await client.end();
    }
    return { migrated, fromFile: await describePostgresSchema(pg.url, role, options.dataQueries) };
  } finally {
    await pg.close();
  }
}
