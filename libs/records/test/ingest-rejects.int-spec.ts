import { ingestContactsFile } from '../src';
import { HEADER, ingestTestBed } from './ingest-test-bed';

// Bad input: rows that go to records.rejects (the good rows around them still load), files rejected
// whole, and the database's own checks. None of it needs Sample.csv: each file names its own people.
describe('contacts ingestion of bad rows and bad files (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = ingestTestBed('records_ingest_rejects');

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
    const summary = await ingestContactsFile(bed.db.pgPool(), bed.write('dirty.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 7, inserted: 1, rejected: 6 });
    const rows = await bed.rejectsOf('dirty.csv');
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
    const ann = await bed.db
      .pgPool()
      .query(
        `SELECT p.zip, c.name AS company FROM records.people p JOIN records.companies c ON c.id = p.company_id WHERE email = 'ann@lee.com'`,
      );
    expect(ann.rows).toEqual([{ zip: '00501', company: 'Lee, Ann & Co' }]);
  });

  it("an unclosed quote rejects its own row and its email's other rows: the rows after it load, with their line numbers", async () => {
    const row = (i: number) => `Quo${i},Te,Quote Co,1 St,Reno,NV,89501,,,quote${i}@example.com,Sales`;
    const text = [
      HEADER,
      row(1),
      'Ann,"Lee,Co,1 St,Reno,NV,89501,,,ann@stray.com,Sales',
      row(2),
      row(3),
      'x,y,z',
      'Ann,Lee,Lee Co,1 St,Reno,NV,89501,,,Ann@Stray.com,Marketing', // valid, but the row of line 3 names Ann
    ].join('\n');
    const summary = await ingestContactsFile(bed.db.pgPool(), bed.write('stray-quote.csv', text + '\n'));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 6, inserted: 3, rejected: 3 });
    const rows = await bed.rejectsOf('stray-quote.csv');
    expect(rows).toEqual([
      {
        line_number: 3,
        raw_line: 'Ann,"Lee,Co,1 St,Reno,NV,89501,,,ann@stray.com,Sales',
        reasons: ['unterminated quoted field starting at line 3'],
      },
      { line_number: 6, raw_line: 'x,y,z', reasons: ['expected 11 columns, found 3'] },
      {
        line_number: 7,
        raw_line: 'Ann,Lee,Lee Co,1 St,Reno,NV,89501,,,Ann@Stray.com,Marketing',
        reasons: ['another row for this email (line 3) was rejected; the person is left as it was'],
      },
    ]);
    const loaded = await bed.db
      .pgPool()
      .query(`SELECT email FROM records.people WHERE email LIKE 'quote%@example.com' ORDER BY email`);
    expect(loaded.rows.map((r) => r.email)).toEqual([
      'quote1@example.com',
      'quote2@example.com',
      'quote3@example.com',
    ]);
    await bed.db.pgPool().query(`DELETE FROM records.people WHERE email LIKE 'quote%@example.com'`);
  });

  it('rows of one email that differ in more than department are all rejected; the stored person stays', async () => {
    const pool = bed.db.pgPool();
    const zed = (first: string, department: string, email = 'zed@conflict.com') =>
      `${first},One,Zco,1 St,Reno,NV,89501,,,${email},${department}`;
    await ingestContactsFile(pool, bed.write('conflict-before.csv', `${HEADER}\n${zed('Zed', 'Sales')}\n`));
    const text = [
      HEADER,
      zed('Zed', 'Sales'),
      zed('Zedd', 'Support', 'ZED@Conflict.com'),
      zed('Zed', 'Marketing'),
      'Amy,Two,Aco,2 St,Reno,NV,89501,,,amy@conflict.com,Sales',
      'Amy,Two,Aco,2 St,Reno,NV,89501,,,Amy@Conflict.com,Support',
    ].join('\n');
    const summary = await ingestContactsFile(pool, bed.write('conflict.csv', text));
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

  it('a field over 200 characters is a reject naming the field and the limit; the other rows load', async () => {
    const city = 'C'.repeat(3500);
    const text = [
      HEADER,
      'Len,Ok,Co,1 St,Reno,NV,89501,,,ok@length.com,Sales',
      `Len,Long,Co,1 St,${city},NV,89501,,,long@length.com,Sales`,
    ].join('\n');
    const summary = await ingestContactsFile(bed.db.pgPool(), bed.write('long-city.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 2, inserted: 1, rejected: 1 });
    expect(await bed.rejectsOf('long-city.csv')).toEqual([
      {
        line_number: 3,
        raw_line: `Len,Long,Co,1 St,${city},NV,89501,,,long@length.com,Sales`,
        reasons: ['city must be at most 200 characters, found 3500'],
      },
    ]);
    const people = await bed.db
      .pgPool()
      .query(`SELECT email, city FROM records.people WHERE email LIKE '%@length.com'`);
    expect(people.rows).toEqual([{ email: 'ok@length.com', city: 'Reno' }]);
    await bed.db.pgPool().query(`DELETE FROM records.people WHERE email LIKE '%@length.com'`);
  });

  it("a rejected row rejects its email's other rows too: the stored person keeps every department", async () => {
    const pool = bed.db.pgPool();
    const person = (first: string, email: string, department: string, zip = '89501') =>
      `${first},Dept,Dco,1 St,Reno,NV,${zip},,,${email},${department}`;
    const before = [
      HEADER,
      person('Dan', 'dan@depts.com', 'Marketing'),
      person('Dan', 'dan@depts.com', 'Sales'),
      person('Eve', 'eve@depts.com', 'Marketing'),
      person('Eve', 'eve@depts.com', 'Sales'),
    ];
    expect(await ingestContactsFile(pool, bed.write('depts-before.csv', before.join('\n')))).toMatchObject({
      status: 'loaded',
      inserted: 2,
    });
    const text = [
      HEADER,
      person('Dan', 'dan@depts.com', 'Sales'), // 2: valid
      person('Dan', ' DAN@Depts.com', 'Marketing', '123456'), // 3: bad zip
      person('Eve', 'eve@depts.com', 'Marketing', 'x'), // 4: bad zip, before Eve's valid row
      person('Eve', 'eve@depts.com', 'Sales'), // 5: valid
      'Fay,Dept,Dco,1 St, Suite 2,Reno,NV,89501,,,fay@depts.com,Sales', // 6: an unquoted comma: 12 columns
      person('Fay', 'fay@depts.com', 'Sales'), // 7: valid, Fay is new
      person('Gus', 'gus@depts.com', 'Sales'), // 8: valid, Gus is new
    ].join('\n');
    // A batch every 2 rows: the rows of one email are staged in different batches.
    const summary = await ingestContactsFile(pool, bed.write('depts.csv', text), { batchBytes: 100 });
    expect(summary).toMatchObject({
      status: 'loaded',
      rowsRead: 7,
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: 6,
    });
    const other = (line: number) =>
      `another row for this email (line ${line}) was rejected; the person is left as it was`;
    const rejects = await bed.rejectsOf('depts.csv');
    expect(rejects.map((r) => [r.line_number, r.reasons])).toEqual([
      [2, [other(3)]],
      [3, ['zip must be up to 5 digits, got "123456"']],
      [4, ['zip must be up to 5 digits, got "x"']],
      [5, [other(4)]],
      [6, ['expected 11 columns, found 12']],
      [7, [other(6)]],
    ]);
    const people = await pool.query(
      `SELECT p.email, p.version, array_agg(d.name ORDER BY d.name) AS departments
       FROM records.people p JOIN records.person_departments pd ON pd.person_id = p.id
       JOIN records.departments d ON d.id = pd.department_id
       WHERE p.email LIKE '%@depts.com' GROUP BY p.id ORDER BY p.email`,
    );
    expect(people.rows).toEqual([
      { email: 'dan@depts.com', version: 1, departments: ['Marketing', 'Sales'] },
      { email: 'eve@depts.com', version: 1, departments: ['Marketing', 'Sales'] },
      { email: 'gus@depts.com', version: 1, departments: ['Sales'] },
    ]);
    const { rows } = await pool.query(
      `SELECT rows_read, inserted, updated, unchanged, rejected FROM records.ingestions WHERE file_name = 'depts.csv'`,
    );
    expect(rows).toEqual([{ rows_read: 7, inserted: 1, updated: 0, unchanged: 0, rejected: 6 }]);
    await pool.query(`DELETE FROM records.people WHERE email LIKE '%@depts.com'`);
  });

  it('a row with a NUL character is a reject naming the field; the other rows load', async () => {
    const text = [
      HEADER,
      'Nul,By\u0000te,Co,1 St,Reno,NV,89501,,,nul@bytes.com,Sales',
      'Ok,Row,Co,1 St,Reno,NV,89501,,,ok@bytes.com,Sales',
    ].join('\n');
    const summary = await ingestContactsFile(bed.db.pgPool(), bed.write('nul.csv', text));
    expect(summary).toMatchObject({ status: 'loaded', rowsRead: 2, inserted: 1, rejected: 1 });
    const rows = await bed.rejectsOf('nul.csv');
    expect(rows).toEqual([
      {
        line_number: 2,
        raw_line: 'Nul,By\u2400te,Co,1 St,Reno,NV,89501,,,nul@bytes.com,Sales',
        reasons: ['last_name contains a NUL character'],
      },
    ]);
    await bed.db.pgPool().query(`DELETE FROM records.people WHERE email LIKE '%@bytes.com'`);
  });

  it('rejects a file that is not valid UTF-8 whole, naming the line of the first bad byte', async () => {
    const before = await bed.count('people');
    const latin1 = Buffer.from(
      [
        HEADER,
        'Ok,Row,Co,1 St,Reno,NV,89501,,,ok@latin.com,Sales',
        'M\xfcller,J\xf6rg,Co,1 St,Reno,NV,89501,,,mueller@latin.com,Sales',
      ].join('\r\n'),
      'latin1',
    );
    const path = bed.write('latin1.csv', latin1);
    const summary = await ingestContactsFile(bed.db.pgPool(), path);
    expect(summary).toMatchObject({
      status: 'rejected',
      error: 'the file is not valid UTF-8 (first invalid byte on line 3); save it as UTF-8',
    });
    expect(await bed.count('people')).toBe(before);
  });

  it('rejects a file with a bad header whole, writing nothing', async () => {
    const before = await bed.count('people');
    const summary = await ingestContactsFile(
      bed.db.pgPool(),
      bed.write('bad-header.csv', 'name,email\nZed,zed@x.com\n'),
    );
    expect(summary.status).toBe('rejected');
    expect(summary.error).toMatch(/^header must be exactly "first_name,last_name,/);
    expect(await bed.count('people')).toBe(before);
    const { rows } = await bed.db
      .pgPool()
      .query(`SELECT status, error FROM records.ingestions WHERE file_name = 'bad-header.csv'`);
    expect(rows).toEqual([{ status: 'rejected', error: summary.error }]);
  });

  it('enforces the 2-letter upper-case state in the database too', async () => {
    await expect(
      bed.db
        .pgPool()
        .query(
          `INSERT INTO records.people (first_name, last_name, state, email) VALUES ('a', 'b', 'ny', 'x@y.z')`,
        ),
    ).rejects.toThrow(/ck_people_state/);
  });
});
