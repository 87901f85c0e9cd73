import { openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestContactsFile, RECORDS_MIGRATIONS, RECORDS_ROLE, SAMPLE_CONTACTS_CSV } from '../src';

const HEADER = 'first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department';

describe('contacts ingestion (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let db: Database;
  let dir: string;

  const count = async (table: string) =>
    Number((await db.pgPool().query(`SELECT count(*) AS n FROM records.${table}`)).rows[0].n);
  /** The rejects of one file, in line order. */
  const rejectsOf = async (fileName: string) =>
    (
      await db.pgPool().query(
        `SELECT r.line_number, r.raw_line, r.reasons FROM records.rejects r JOIN records.ingestions i ON i.id = r.ingestion_id
         WHERE i.file_name = $1 ORDER BY r.line_number`,
        [fileName],
      )
    ).rows;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    pg = await createTestPostgres('records_ingest');
    db = await openMigratedDatabase({ role: RECORDS_ROLE, url: pg.url, migrations: RECORDS_MIGRATIONS });
    dir = mkdtempSync(join(tmpdir(), 'caudal-records-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.close();
    await pg?.close();
  });

  it('loads Sample.csv: 100 people, 106 person-department links, both departments of the 6 kept', async () => {
    const summary = await ingestContactsFile(db.pgPool(), SAMPLE_CONTACTS_CSV);
    expect(summary).toMatchObject({
      status: 'loaded',
      rowsRead: 106,
      inserted: 100,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    expect(await count('people')).toBe(100);
    expect(await count('person_departments')).toBe(106);
    expect(await count('companies')).toBe(100);
    const { rows } = await db.pgPool().query(
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
      db.pgPool(),
      write('progress.csv', [HEADER, ...rows].join('\n')),
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
    await db.pgPool().query(`DELETE FROM records.people WHERE email LIKE 'progress%'`);
  });

  it('changes nothing when the same file comes again', async () => {
    const before = await db.pgPool().query('SELECT * FROM records.people ORDER BY id');
    const summary = await ingestContactsFile(db.pgPool(), SAMPLE_CONTACTS_CSV);
    expect(summary).toMatchObject({ status: 'duplicate', inserted: 0, updated: 0 });
    expect((await db.pgPool().query('SELECT * FROM records.people ORDER BY id')).rows).toEqual(before.rows);
    expect(await count('person_departments')).toBe(106);
  });

  it('a newer file updates the people it names, departments included', async () => {
    const [header, jamesSales, , josephine, art] = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8').split('\n');
    // James Butt: Sales only now (Marketing dropped); Josephine moves city; Art is unchanged.
    const path = write(
      'newer.csv',
      [header, jamesSales, josephine!.replace('Brighton', 'Detroit'), art, ''].join('\n'),
    );
    const summary = await ingestContactsFile(db.pgPool(), path);
    expect(summary).toMatchObject({
      status: 'loaded',
      rowsRead: 3,
      inserted: 0,
      updated: 2,
      unchanged: 1,
      rejected: 0,
    });
    const { rows } = await db.pgPool().query(
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
    expect(await count('people')).toBe(100);
  });

  it('sends every bad row to rejects with its line, raw text and reasons, and loads the good ones', async () => {
    const text =
      '\ufeff' +
      [
        HEADER,
        'Ann,Lee,"Lee, Ann & Co",1 Main St,Austin,TX,501,512-000-0001,,ann@lee.com,Sales',
        'Bob,Ray,Ray Inc,2 Main St,Austin,L1,73301,,,bob@ray.com,Sales',
        'Cal,Fox,Fox Inc,3 Main St,Fresno,Cal,93650,,,cal@fox.com,Sales',
        'Dee,Moe,Moe Inc,4 Main St,Albany,ny ,12084,,,dee@moe.com,Sales',
        ',Nox,Nox Inc,5 Main St,Reno,NV,89501,,,nox@nox.com,',
        'Eve,Short,Short Inc,6 Main St',
        'Fay,Mail,Mail Inc,7 Main St,Miami,FL,33101,,,not-an-email,Sales',
      ].join('\r\n') +
      '\r\n';
    const summary = await ingestContactsFile(db.pgPool(), write('dirty.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 7, inserted: 1, rejected: 6 });
    const rows = await rejectsOf('dirty.csv');
    expect(rows).toEqual([
      {
        line_number: 3,
        raw_line: 'Bob,Ray,Ray Inc,2 Main St,Austin,L1,73301,,,bob@ray.com,Sales',
        reasons: ['state must be exactly 2 letters, got "L1"'],
      },
      {
        line_number: 4,
        raw_line: 'Cal,Fox,Fox Inc,3 Main St,Fresno,Cal,93650,,,cal@fox.com,Sales',
        reasons: ['state must be exactly 2 letters, got "Cal"'],
      },
      {
        line_number: 5,
        raw_line: 'Dee,Moe,Moe Inc,4 Main St,Albany,ny ,12084,,,dee@moe.com,Sales',
        reasons: ['state must be exactly 2 letters, got "ny "'],
      },
      {
        line_number: 6,
        raw_line: ',Nox,Nox Inc,5 Main St,Reno,NV,89501,,,nox@nox.com,',
        reasons: ['first_name is required', 'department is required'],
      },
      {
        line_number: 7,
        raw_line: 'Eve,Short,Short Inc,6 Main St',
        reasons: ['expected 11 columns, found 4'],
      },
      {
        line_number: 8,
        raw_line: 'Fay,Mail,Mail Inc,7 Main St,Miami,FL,33101,,,not-an-email,Sales',
        reasons: ['email is malformed: "not-an-email"'],
      },
    ]);
    const ann = await db
      .pgPool()
      .query(
        `SELECT p.zip, c.name AS company FROM records.people p JOIN records.companies c ON c.id = p.company_id WHERE email = 'ann@lee.com'`,
      );
    expect(ann.rows).toEqual([{ zip: '00501', company: 'Lee, Ann & Co' }]);
  });

  it('an unclosed quote rejects its own row only: the rows after it load, with their line numbers', async () => {
    const row = (i: number) => `Quo${i},Te,Quote Co,1 St,Reno,NV,89501,,,quote${i}@example.com,Sales`;
    const text = [
      HEADER,
      row(1),
      'Ann,"Lee,Co,1 St,Reno,NV,89501,,,ann@stray.com,Sales',
      row(2),
      row(3),
      'x,y,z',
    ].join('\n');
    const summary = await ingestContactsFile(db.pgPool(), write('stray-quote.csv', text + '\n'));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 5, inserted: 3, rejected: 2 });
    const rows = await rejectsOf('stray-quote.csv');
    expect(rows).toEqual([
      {
        line_number: 3,
        raw_line: 'Ann,"Lee,Co,1 St,Reno,NV,89501,,,ann@stray.com,Sales',
        reasons: ['unterminated quoted field starting at line 3'],
      },
      { line_number: 6, raw_line: 'x,y,z', reasons: ['expected 11 columns, found 3'] },
    ]);
    const loaded = await db
      .pgPool()
      .query(`SELECT email FROM records.people WHERE email LIKE 'quote%@example.com' ORDER BY email`);
    expect(loaded.rows.map((r) => r.email)).toEqual([
      'quote1@example.com',
      'quote2@example.com',
      'quote3@example.com',
    ]);
    await db.pgPool().query(`DELETE FROM records.people WHERE email LIKE 'quote%@example.com'`);
  });

  it('rows of one email that differ in more than department are all rejected; the stored person stays', async () => {
    const pool = db.pgPool();
    const zed = (first: string, department: string, email = 'zed@conflict.com') =>
      `${first},One,Zco,1 St,Reno,NV,89501,,,${email},${department}`;
    await ingestContactsFile(pool, write('conflict-before.csv', `${HEADER}\n${zed('Zed', 'Sales')}\n`));
    const text = [
      HEADER,
      zed('Zed', 'Sales'),
      zed('Zedd', 'Support', 'ZED@Conflict.com'),
      zed('Zed', 'Marketing'),
      'Amy,Two,Aco,2 St,Reno,NV,89501,,,amy@conflict.com,Sales',
      'Amy,Two,Aco,2 St,Reno,NV,89501,,,Amy@Conflict.com,Support',
    ].join('\n');
    const summary = await ingestContactsFile(pool, write('conflict.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 5, inserted: 1, updated: 0, rejected: 3 });
    const rejects = await pool.query(
      `SELECT r.line_number, r.reasons FROM records.rejects r JOIN records.ingestions i ON i.id = r.ingestion_id
       WHERE i.file_name = 'conflict.csv' ORDER BY r.line_number`,
    );
    expect(rejects.rows).toEqual([
      { line_number: 2, reasons: ['conflicts with line 3 for the same email'] },
      { line_number: 3, reasons: ['conflicts with line 2 for the same email'] },
      { line_number: 4, reasons: ['conflicts with line 3 for the same email'] },
    ]);
    const people = await pool.query(
      `SELECT p.email, p.first_name, p.version, array_agg(d.name ORDER BY d.name) AS departments
       FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
       JOIN records.departments d ON d.id = pd.department_id
       WHERE p.email LIKE '%@conflict.com' GROUP BY p.id ORDER BY p.email`,
    );
    expect(people.rows).toEqual([
      { email: 'amy@conflict.com', first_name: 'Amy', version: 1, departments: ['Sales', 'Support'] },
      { email: 'zed@conflict.com', first_name: 'Zed', version: 1, departments: ['Sales'] },
    ]);
    await pool.query(`DELETE FROM records.people WHERE email LIKE '%@conflict.com'`);
  });

  it('matches company and department names without regard to case; the first spelling stored wins', async () => {
    const pool = db.pgPool();
    const companies = await count('companies');
    const departments = await count('departments');
    const text = [
      HEADER,
      // Stored spellings in another case: "Benton, John B Jr" and "Sales", "Marketing".
      'Case,One,"BENTON, JOHN B JR",1 St,Reno,NV,89501,,,case1@names.com,sales',
      // One person listed twice with one department in two spellings, and the company in two.
      'Case,Two,New Case Co,2 St,Reno,NV,89501,,,case2@names.com,New Case Dept',
      'Case,Two,NEW CASE CO,2 St,Reno,NV,89501,,,Case2@Names.com,new case dept',
      'Case,Three,new case co,3 St,Reno,NV,89501,,,case3@names.com,MARKETING',
    ].join('\n');
    const summary = await ingestContactsFile(pool, write('case.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 4, inserted: 3, rejected: 0 });
    expect(await count('companies')).toBe(companies + 1);
    expect(await count('departments')).toBe(departments + 1);
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
      write('case-again.csv', text.replaceAll('sales', 'SALES').replaceAll('New Case', 'NEW case')),
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

  it('a row with a NUL character is a reject naming the field; the other rows load', async () => {
    const text = [
      HEADER,
      'Nul,By\u0000te,Co,1 St,Reno,NV,89501,,,nul@bytes.com,Sales',
      'Ok,Row,Co,1 St,Reno,NV,89501,,,ok@bytes.com,Sales',
    ].join('\n');
    const summary = await ingestContactsFile(db.pgPool(), write('nul.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 2, inserted: 1, rejected: 1 });
    const rows = await rejectsOf('nul.csv');
    expect(rows).toEqual([
      {
        line_number: 2,
        raw_line: 'Nul,By\u2400te,Co,1 St,Reno,NV,89501,,,nul@bytes.com,Sales',
        reasons: ['last_name contains a NUL character'],
      },
    ]);
    await db.pgPool().query(`DELETE FROM records.people WHERE email LIKE '%@bytes.com'`);
  });

  it('rejects a file that is not valid UTF-8 whole, naming the line of the first bad byte', async () => {
    const before = await count('people');
    const latin1 = Buffer.from(
      [
        HEADER,
        'Ok,Row,Co,1 St,Reno,NV,89501,,,ok@latin.com,Sales',
        'M\xfcller,J\xf6rg,Co,1 St,Reno,NV,89501,,,mueller@latin.com,Sales',
      ].join('\r\n'),
      'latin1',
    );
    const path = join(dir, 'latin1.csv');
    writeFileSync(path, latin1);
    const summary = await ingestContactsFile(db.pgPool(), path);
    expect(summary).toMatchObject({
      status: 'rejected',
      error: 'the file is not valid UTF-8 (first invalid byte on line 3); save it as UTF-8',
    });
    expect(await count('people')).toBe(before);
  });

  it('rejects a file with a bad header whole, writing nothing', async () => {
    const before = await count('people');
    const summary = await ingestContactsFile(
      db.pgPool(),
      write('bad-header.csv', 'name,email\nZed,zed@x.com\n'),
    );
    expect(summary.status).toBe('rejected');
    expect(summary.error).toMatch(/^header must be exactly "first_name,last_name,/);
    expect(await count('people')).toBe(before);
    const { rows } = await db
      .pgPool()
      .query(`SELECT status, error FROM records.ingestions WHERE file_name = 'bad-header.csv'`);
    expect(rows).toEqual([{ status: 'rejected', error: summary.error }]);
  });

  it('enforces the 2-letter upper-case state in the database too', async () => {
    await expect(
      db
        .pgPool()
        .query(
          `INSERT INTO records.people (first_name, last_name, state, email) VALUES ('a', 'b', 'ny', 'x@y.z')`,
        ),
    ).rejects.toThrow(/ck_people_state/);
  });

  it('a write racing a file waits for it, and the file still bumps the version of a person it relinks', async () => {
    const lenna = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8')
      .split('\n')
      .find((line) => line.includes('lpaprocki@hotmail.com'))!;
    const pool = db.pgPool();
    const version = async () =>
      (await pool.query(`SELECT version FROM records.people WHERE email = 'lpaprocki@hotmail.com'`)).rows[0]
        .version as number;
    const before = await version();
    // An API write in progress: it holds Lenna's row while it moves her to another department.
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`SELECT 1 FROM records.people WHERE email = 'lpaprocki@hotmail.com' FOR UPDATE`);
      const ingestion = ingestContactsFile(pool, write('race.csv', `${HEADER}\n${lenna}\n`)); // Marketing, as stored
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query(`INSERT INTO records.departments (name) VALUES ('Legal') ON CONFLICT DO NOTHING`);
      await writer.query(
        `WITH p AS (SELECT id FROM records.people WHERE email = 'lpaprocki@hotmail.com'),
              gone AS (DELETE FROM records.person_departments WHERE person_id = (SELECT id FROM p))
         INSERT INTO records.person_departments SELECT (SELECT id FROM p), id FROM records.departments WHERE name = 'Legal'`,
      );
      await writer.query(
        `UPDATE records.people SET version = version + 1 WHERE email = 'lpaprocki@hotmail.com'`,
      );
      await writer.query('COMMIT');
      expect(await ingestion).toMatchObject({ status: 'loaded', updated: 1 });
    } finally {
      writer.release();
    }
    const { rows } = await pool.query(
      `SELECT d.name FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
       JOIN records.departments d ON d.id = pd.department_id WHERE p.email = 'lpaprocki@hotmail.com'`,
    );
    expect(rows).toEqual([{ name: 'Marketing' }]); // the file's, applied after the write
    expect(await version()).toBe(before + 2); // the write's bump and the file's: every change moves the ETag
  });
  // Needs concurrent sessions: PGlite serves one at a time.
  (process.env['TEST_POSTGRES_URL'] ? it : it.skip)(
    "two files inserting the same new person concurrently: the second one's department change bumps the version",
    async () => {
      const pool = db.pgPool();
      const person = (department: string) =>
        `Con,Current,,1 St,Reno,NV,89501,,,concurrent@race.com,${department}`;
      await pool.query(`INSERT INTO records.departments (name) VALUES ('Race One')`);
      /** Waits until a session of this database waits for a lock in a statement matching `pattern`. */
      const blockedIn = async (pattern: string) => {
        for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
          const { rowCount } = await pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND wait_event_type = 'Lock' AND query ILIKE $1`,
            [`%${pattern}%`],
          );
          if (rowCount) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`no session waits in ${pattern}`);
      };
      // A holds the department row so that file A stops after inserting the person, before it commits.
      const holder = await pool.connect();
      let first: ReturnType<typeof ingestContactsFile> | undefined;
      let second: ReturnType<typeof ingestContactsFile> | undefined;
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM records.departments WHERE name = 'Race One' FOR UPDATE`);
        first = ingestContactsFile(pool, write('race-a.csv', `${HEADER}\n${person('Race One')}\n`));
        await blockedIn('INSERT INTO records.person_departments');
        // File B names the same new person in another department; its upsert waits for A's insert.
        second = ingestContactsFile(pool, write('race-b.csv', `${HEADER}\n${person('Race Two')}\n`));
        await blockedIn('INSERT INTO records.people');
        await holder.query('COMMIT');
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        holder.release();
      }
      expect(await first).toMatchObject({ status: 'loaded', inserted: 1 });
      expect(await second).toMatchObject({ status: 'loaded', inserted: 0, updated: 1, unchanged: 0 });
      const { rows } = await pool.query(
        `SELECT p.version, array_agg(d.name) AS departments FROM records.people p
         JOIN records.person_departments pd ON pd.person_id = p.id JOIN records.departments d ON d.id = pd.department_id
         WHERE p.email = 'concurrent@race.com' GROUP BY p.id`,
      );
      // A stored version 1 with Race One; B changed the departments, so the ETag must move.
      expect(rows).toEqual([{ version: 2, departments: ['Race Two'] }]);
      await pool.query(`DELETE FROM records.people WHERE email = 'concurrent@race.com'`);
    },
  );

  it('an API write holding a person and adding a new department does not deadlock a file naming both', async () => {
    const kris = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8')
      .split('\n')
      .find((line) => line.includes('kris@gmail.com'))!;
    const pool = db.pgPool();
    const path = write('lock-order.csv', `${HEADER}\n${kris.replace(/,[^,]*$/, ',Lock Order Dept')}\n`);
    // The API's PATCH order: lock the person, then insert the department it names.
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      // This session looks for deadlocks first, so that a cycle would fail the writer (not the file).
      await writer.query(`SET LOCAL deadlock_timeout = '100ms'`);
      await writer.query(`SELECT 1 FROM records.people WHERE email = 'kris@gmail.com' FOR UPDATE`);
      const ingestion = ingestContactsFile(pool, path);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query(
        `INSERT INTO records.departments (name) VALUES ('Lock Order Dept'), ('Lock Order Other') ON CONFLICT DO NOTHING`,
      );
      await writer.query('COMMIT');
      expect(await ingestion).toMatchObject({ status: 'loaded', updated: 1 });
    } finally {
      await writer.query('ROLLBACK').catch(() => undefined);
      writer.release();
    }
    const { rows } = await pool.query(
      `SELECT d.name FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
       JOIN records.departments d ON d.id = pd.department_id WHERE p.email = 'kris@gmail.com'`,
    );
    expect(rows).toEqual([{ name: 'Lock Order Dept' }]);
  });

  it('retries the whole file when it is chosen as a deadlock victim', async () => {
    const sage = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8')
      .split('\n')
      .find((line) => line.includes('sage_wieser@cox.net'))!;
    const pool = db.pgPool();
    const path = write(
      'victim.csv',
      `${HEADER}\n${sage.replace(/^(\w+,\w+,)("[^"]*"|[^,]*)/, '$1Victim Co')}\n`,
    );
    // A writer taking the locks in the opposite order (company first, then the person) and waiting
    // longer than the file's session before looking for deadlocks: the file is the victim.
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`SET LOCAL deadlock_timeout = '5s'`);
      await writer.query(`INSERT INTO records.companies (name) VALUES ('Victim Co')`);
      const ingestion = ingestContactsFile(pool, path);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query(`SELECT 1 FROM records.people WHERE email = 'sage_wieser@cox.net' FOR UPDATE`);
      await writer.query('COMMIT');
      expect(await ingestion).toMatchObject({ status: 'loaded', updated: 1 });
    } finally {
      await writer.query('ROLLBACK').catch(() => undefined);
      writer.release();
    }
    const { rows } = await pool.query(
      `SELECT c.name FROM records.people p JOIN records.companies c ON c.id = p.company_id WHERE p.email = 'sage_wieser@cox.net'`,
    );
    expect(rows).toEqual([{ name: 'Victim Co' }]);
  });
});
