import { findWorkspaceRoot, openMigratedDatabase } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { RECORDS_MIGRATIONS, RECORDS_ROLE } from '../src';

/** Columns, constraints and indexes of the records schema, as text lines, sorted. */
async function describeSchema(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ line: string }>(`
      SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
      FROM information_schema.columns WHERE table_schema = 'records' AND table_name <> 'records_migrations'`);
    const constraints = await client.query<{ line: string }>(`
      SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
      FROM pg_constraint WHERE connamespace = 'records'::regnamespace AND conrelid::regclass::text <> 'records.records_migrations'`);
    const indexes = await client.query<{ line: string }>(`
      SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'records' AND tablename <> 'records_migrations'`);
    return [...columns.rows, ...constraints.rows, ...indexes.rows].map((r) => r.line).sort();
  } finally {
    await client.end();
  }
}

describe('infra/sql/records.sql (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let migrated: TestPostgres;
  let fromFile: TestPostgres;

  beforeAll(async () => {
    migrated = await createTestPostgres('records_sql_migrated');
    fromFile = await createTestPostgres('records_sql_file');
  });

  afterAll(async () => {
    await migrated?.close();
    await fromFile?.close();
  });

  it('creates exactly the schema the migrations create', async () => {
    const db = await openMigratedDatabase({
      role: RECORDS_ROLE,
      url: migrated.url,
      migrations: RECORDS_MIGRATIONS,
    });
    await db.close();
    const client = new Client({ connectionString: fromFile.url });
    await client.connect();
    await client.query(readFileSync(join(findWorkspaceRoot(__dirname), 'infra/sql/records.sql'), 'utf8'));
    await client.end();

    const expected = await describeSchema(migrated.url);
    expect(expected.length).toBeGreaterThan(40);
    expect(await describeSchema(fromFile.url)).toEqual(expected);
  });
});
