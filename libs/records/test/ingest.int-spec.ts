import { readFileSync } from 'node:fs';
import { ingestContactsFile, SAMPLE_CONTACTS_CSV } from '../src';
import { HEADER, ingestTestBed, watchedPool } from './ingest-test-bed';

// Loading contacts files that are well formed: Sample.csv, progress, the same file again, a newer
// file, names in another case. Bad rows and files are in ingest-rejects.int-spec.ts, files racing
// other writers in ingest-races.int-spec.ts.
describe('contacts ingestion (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = ingestTestBed('records_ingest');

  it('loads Sample.csv: 100 people, 106 person-department links, both departments of the 6 kept', async () => {
    const summary = await ingestContactsFile(bed.db.pgPool(), SAMPLE_CONTACTS_CSV);
    expect(summary).toMatchObject({
      status: 'loaded',
      rowsRead: 106,
      inserted: 100,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    expect(await bed.count('people')).toBe(100);
    expect(await bed.count('person_departments')).toBe(106);
    expect(await bed.count('companies')).toBe(100);
    const { rows } = await bed.db.pgPool().query(
      `SELECT p.zip, p.state, array_agg(d.name ORDER BY d.name) AS departments
       FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
       JOIN records.departments d ON d.id = pd.department_id WHERE p.email = ANY($1) GROUP BY p.id ORDER BY p.email`,
      [['jbutt@gmail.com', 'art@venere.org']],
    );
    expect(rows).toEqual([
      { zip: '08014', state: 'NJ', departments: ['Purchasing'] },
      { zip: '70116', state: 'LA', departments: ['Marketing', 'Sales'] },
    ]);
  });

  it('reports progress while staging and as each step of the merge begins', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `P${i},Q${i},,,,CA,,,,progress${i}@example.com,Sales`);
    const seen: unknown[] = [];
    const summary = await ingestContactsFile(
      bed.db.pgPool(),
      bed.write('progress.csv', [HEADER, ...rows].join('\n')),
      {
        progressEvery: 2,
        onProgress: (progress) => seen.push(progress),
      },
    );
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 5, inserted: 5 });
    expect(seen).toEqual([
      { phase: 'staging', rowsRead: 2 },
      { phase: 'staging', rowsRead: 4 },
      ...['conflicts', 'names', 'people', 'departments'].map((step) => ({
        phase: 'merging',
        rowsRead: 5,
        step,
      })),
    ]);
    await bed.db.pgPool().query(`DELETE FROM records.people WHERE email LIKE 'progress%'`);
  });

  it('writes a batch once its raw text passes the byte budget, not only every 5,000 rows', async () => {
    // 30 rows of 243 characters each, with a budget of 1,000: a batch every 5 rows (1,215 characters).
    const address = 'A'.repeat(200);
    const rows = Array.from({ length: 30 }, (_, n) => {
      const i = String(n).padStart(2, '0');
      return `B${i},U${i},,${address},,CA,,,,budget${i}@example.com,Sales`;
    });
    expect(rows.map((row) => row.length)).toEqual(Array(30).fill(243));
    let writes = 0;
    const pool = watchedPool(bed.db.pgPool(), (sql) => {
      if (sql.includes('INSERT INTO staging')) writes++;
    });
    try {
      const summary = await ingestContactsFile(pool, bed.write('budget.csv', [HEADER, ...rows].join('\n')), {
        batchBytes: 1000,
      });
      expect(summary).toMatchObject({ status: 'loaded', rowsRead: 30, inserted: 30, rejected: 0 });
      expect(writes).toBe(6);
      const { rows: loaded } = await bed.db
        .pgPool()
        .query(
          `SELECT count(*)::int AS n, min(length(address))::int AS len FROM records.people WHERE email LIKE 'budget%'`,
        );
      expect(loaded).toEqual([{ n: 30, len: 200 }]);
    } finally {
      await bed.db.pgPool().query(`DELETE FROM records.people WHERE email LIKE 'budget%'`);
    }
  });

  it('changes nothing when the same file comes again', async () => {
    const before = await bed.db.pgPool().query('SELECT * FROM records.people ORDER BY id');
    const summary = await ingestContactsFile(bed.db.pgPool(), SAMPLE_CONTACTS_CSV);
    expect(summary).toMatchObject({ status: 'duplicate', inserted: 0, updated: 0 });
    expect((await bed.db.pgPool().query('SELECT * FROM records.people ORDER BY id')).rows).toEqual(
      before.rows,
    );
    expect(await bed.count('person_departments')).toBe(106);
  });

  it('a newer file updates the people it names, departments included', async () => {
    const [header, jamesSales, , josephine, art] = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8').split('\n');
    // James Butt: Sales only now (Marketing dropped); Josephine moves city; Art is unchanged.
    const path = bed.write(
      'newer.csv',
      [header, jamesSales, josephine!.replace('Brighton', 'Detroit'), art, ''].join('\n'),
    );
    const summary = await ingestContactsFile(bed.db.pgPool(), path);
    expect(summary).toMatchObject({
      status: 'loaded',
      rowsRead: 3,
      inserted: 0,
      updated: 2,
      unchanged: 1,
      rejected: 0,
    });
    const { rows } = await bed.db.pgPool().query(
      `SELECT p.email, p.city, p.version, array_agg(d.name ORDER BY d.name) AS departments FROM records.people p
       JOIN records.person_departments pd ON pd.person_id = p.id JOIN records.departments d ON d.id = pd.department_id
       WHERE p.email IN ('jbutt@gmail.com', 'josephine_darakjy@darakjy.org', 'art@venere.org') GROUP BY p.id ORDER BY p.email`,
    );
    expect(rows).toEqual([
      { email: 'art@venere.org', city: 'Bridgeport', version: 1, departments: ['Purchasing'] },
      { email: 'jbutt@gmail.com', city: 'New Orleans', version: 2, departments: ['Sales'] },
      {
        email: 'josephine_darakjy@darakjy.org',
        city: 'Detroit',
        version: 2,
        departments: ['Human Resources'],
      },
    ]);
    expect(await bed.count('people')).toBe(100);
  });

  it('matches company and department names without regard to case; the first spelling stored wins', async () => {
    const pool = bed.db.pgPool();
    const companies = await bed.count('companies');
    const departments = await bed.count('departments');
    const text = [
      HEADER,
      // Stored spellings in another case: "Benton, John B Jr" and "Sales", "Marketing".
      'Case,One,"BENTON, JOHN B JR",1 St,Reno,NV,89501,,,case1@names.com,sales',
      // One person listed twice with one department in two spellings, and the company in two.
      'Case,Two,New Case Co,2 St,Reno,NV,89501,,,case2@names.com,New Case Dept',
      'Case,Two,NEW CASE CO,2 St,Reno,NV,89501,,,Case2@Names.com,new case dept',
      'Case,Three,new case co,3 St,Reno,NV,89501,,,case3@names.com,MARKETING',
    ].join('\n');
    const summary = await ingestContactsFile(pool, bed.write('case.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 4, inserted: 3, rejected: 0 });
    expect(await bed.count('companies')).toBe(companies + 1);
    expect(await bed.count('departments')).toBe(departments + 1);
    const people = await pool.query(
      `SELECT p.email, c.name AS company, array_agg(d.name ORDER BY d.name) AS departments
       FROM records.people p JOIN records.companies c ON c.id = p.company_id
       JOIN records.person_departments pd ON pd.person_id = p.id JOIN records.departments d ON d.id = pd.department_id
       WHERE p.email LIKE '%@names.com' GROUP BY p.id, c.name ORDER BY p.email`,
    );
    expect(people.rows).toEqual([
      { email: 'case1@names.com', company: 'Benton, John B Jr', departments: ['Sales'] },
      { email: 'case2@names.com', company: 'New Case Co', departments: ['New Case Dept'] },
      { email: 'case3@names.com', company: 'New Case Co', departments: ['Marketing'] },
    ]);
    // A later file naming the same names in yet another case changes nobody.
    const again = await ingestContactsFile(
      pool,
      bed.write('case-again.csv', text.replaceAll('sales', 'SALES').replaceAll('New Case', 'NEW case')),
    );
    expect(again).toMatchObject({ status: 'loaded', inserted: 0, updated: 0, unchanged: 3 });
    const versions = await pool.query(
      `SELECT DISTINCT version FROM records.people WHERE email LIKE '%@names.com'`,
    );
    expect(versions.rows).toEqual([{ version: 1 }]);
    // The database refuses a second spelling too.
    await expect(pool.query(`INSERT INTO records.departments (name) VALUES ('SALES')`)).rejects.toThrow(
      /ux_departments_name_lower/,
    );
    await expect(pool.query(`INSERT INTO records.companies (name) VALUES ('new case CO')`)).rejects.toThrow(
      /ux_companies_name_lower/,
    );
    await pool.query(`DELETE FROM records.people WHERE email LIKE '%@names.com'`);
  });
});
