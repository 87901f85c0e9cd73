import { openMigratedDatabase } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { Client } from 'pg';
import { RECORDS_MIGRATIONS, RECORDS_ROLE } from '../src';

describe('migration 1733: company and department names unique in any case (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let client: Client;

  beforeAll(async () => {
    pg = await createTestPostgres('records_case_names');
  });

  afterAll(async () => {
    await client?.end();
    await pg?.close();
  });

  it('merges names stored in several spellings into the oldest row, then refuses a new spelling', async () => {
    // A database as the earlier migrations left it, holding case-duplicates a file could create
    // (ids 1, 2, 3, 4 in the order given).
    const before = await openMigratedDatabase({
      role: RECORDS_ROLE,
      url: pg.url,
      migrations: RECORDS_MIGRATIONS.slice(0, 2),
    });
    await before.pgPool().query(`
      INSERT INTO records.companies (name) VALUES ('Acme'), ('ACME'), ('acme'), ('Other');
      INSERT INTO records.departments (name) VALUES ('Sales'), ('sales'), ('Support'), ('SALES');
      INSERT INTO records.people (first_name, last_name, company_id, state, email) VALUES
        ('Ann', 'A', 1, 'NY', 'ann@x.com'),
        ('Bob', 'B', 2, 'NY', 'bob@x.com'),
        ('Cy', 'C', 4, 'NY', 'cy@x.com'),
        ('Di', 'D', 3, 'NY', 'di@x.com');
      INSERT INTO records.person_departments (person_id, department_id) VALUES
        (1, 1), (2, 2), (2, 4), (3, 3), (4, 1), (4, 2), (4, 3)`);
    await before.close();

    const after = await openMigratedDatabase({
      role: RECORDS_ROLE,
      url: pg.url,
      migrations: RECORDS_MIGRATIONS,
    });
    await after.close();
    client = new Client({ connectionString: pg.url });
    await client.connect();
    const rows = async (sql: string) => (await client.query(sql)).rows;

    expect(await rows('SELECT id, name FROM records.companies ORDER BY id')).toEqual([
      { id: 1, name: 'Acme' },
      { id: 4, name: 'Other' },
    ]);
    expect(await rows('SELECT id, name FROM records.departments ORDER BY id')).toEqual([
      { id: 1, name: 'Sales' },
      { id: 3, name: 'Support' },
    ]);
    // Bob moves company and department (two spellings of Sales become one link); Di keeps one Sales
    // link; each person whose JSON changed has a new version, the others keep theirs.
    expect(
      await rows(`
        SELECT p.email, p.company_id, p.version, array_agg(pd.department_id ORDER BY pd.department_id) AS departments
        FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
        GROUP BY p.id ORDER BY p.id`),
    ).toEqual([
      { email: 'ann@x.com', company_id: 1, version: 1, departments: [1] },
      { email: 'bob@x.com', company_id: 1, version: 3, departments: [1] },
      { email: 'cy@x.com', company_id: 4, version: 1, departments: [3] },
      { email: 'di@x.com', company_id: 1, version: 3, departments: [1, 3] },
    ]);
    await expect(client.query(`INSERT INTO records.companies (name) VALUES ('aCmE')`)).rejects.toThrow(
      /ux_companies_name_lower/,
    );
    await expect(client.query(`INSERT INTO records.departments (name) VALUES ('support')`)).rejects.toThrow(
      /ux_departments_name_lower/,
    );
  });
});
