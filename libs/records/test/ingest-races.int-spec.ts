import { readFileSync } from 'node:fs';
import { ingestContactsFile, SAMPLE_CONTACTS_CSV } from '../src';
import { HEADER, ingestTestBed } from './ingest-test-bed';

// A file racing other writers of the same people (an API write, another file): who waits for whom,
// that no change skips the version (the ETag), no deadlock, and a retry when the file is the victim.
describe('contacts ingestion racing other writers (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = ingestTestBed('records_ingest_races');

  /** The races below change people of Sample.csv as a first load stores them. */
  beforeAll(async () => {
    expect(await ingestContactsFile(bed.db.pgPool(), SAMPLE_CONTACTS_CSV)).toMatchObject({
      status: 'loaded',
      inserted: 100,
    });
  });

  it('a write racing a file waits for it, and the file still bumps the version of a person it relinks', async () => {
    const lenna = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8')
      .split('\n')
      .find((line) => line.includes('lpaprocki@hotmail.com'))!;
    const pool = bed.db.pgPool();
    const version = async () =>
      (await pool.query(`SELECT version FROM records.people WHERE email = 'lpaprocki@hotmail.com'`)).rows[0]
        .version as number;
    const before = await version();
    // An API write in progress: it holds Lenna's row while it moves her to another department.
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`SELECT 1 FROM records.people WHERE email = 'lpaprocki@hotmail.com' FOR UPDATE`);
      const ingestion = ingestContactsFile(pool, bed.write('race.csv', `${HEADER}\n${lenna}\n`)); // Marketing, as stored
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
      const pool = bed.db.pgPool();
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
        first = ingestContactsFile(pool, bed.write('race-a.csv', `${HEADER}\n${person('Race One')}\n`));
        await blockedIn('INSERT INTO records.person_departments');
        // File B names the same new person in another department; its upsert waits for A's insert.
        second = ingestContactsFile(pool, bed.write('race-b.csv', `${HEADER}\n${person('Race Two')}\n`));
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
    const pool = bed.db.pgPool();
    const path = bed.write('lock-order.csv', `${HEADER}\n${kris.replace(/,[^,]*$/, ',Lock Order Dept')}\n`);
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
    const pool = bed.db.pgPool();
    const path = bed.write(
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
