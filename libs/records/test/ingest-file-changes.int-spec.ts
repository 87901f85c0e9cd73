import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, renameSync } from 'node:fs';
import type { Pool } from 'pg';
import { FileChangedError, ingestContactsFile } from '../src';
import { HEADER, ingestTestBed, watchedPool } from './ingest-test-bed';

// A file written to, or replaced under its name, while it is ingested: what is loaded is always what
// the ledger's hash describes, and a file that changed is neither loaded nor recorded (the watcher
// leaves it in the inbox and reads it again once it stops changing).
describe('contacts ingestion of a file that changes while it is read (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = ingestTestBed('records_ingest_file_changes');

  const row = (email: string) => `Fil,Chg,Co,1 St,Reno,NV,89501,,,${email},Sales`;
  const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

  /** The pool, except that `action` runs once, just before the first statement containing `sql`. */
  function hooked(pool: Pool, sql: string, action: () => void): Pool {
    let done = false;
    return watchedPool(pool, (text) => {
      if (done || !text.includes(sql)) return;
      done = true;
      action();
    });
  }

  /** What the database holds about a file and the people of `domain`. */
  async function stored(fileName: string, domain: string) {
    const pool = bed.db.pgPool();
    const ingestions = await pool.query(
      `SELECT status, sha256 FROM records.ingestions WHERE file_name = $1 ORDER BY id`,
      [fileName],
    );
    const people = await pool.query(`SELECT email FROM records.people WHERE email LIKE $1 ORDER BY email`, [
      `%@${domain}`,
    ]);
    return { ingestions: ingestions.rows, people: people.rows.map((r) => r.email as string) };
  }

  it('a file appended to while its rows are staged is rolled back with FileChangedError, recording nothing', async () => {
    const path = bed.write(
      'growing.csv',
      [HEADER, ...[1, 2, 3, 4, 5].map((i) => row(`g${i}@growing.com`))].join('\n') + '\n',
    );
    const ingestion = ingestContactsFile(bed.db.pgPool(), path, {
      progressEvery: 2,
      onProgress: (progress) => {
        // The writer is still at it: one more row arrives once the first rows are staged.
        if (progress.phase === 'staging' && progress.rowsRead === 2)
          appendFileSync(path, row('g6@growing.com'));
      },
    });
    await expect(ingestion).rejects.toThrow(FileChangedError);
    await expect(ingestion).rejects.toThrow(
      'growing.csv changed while it was read; it is read again once it stops changing',
    );
    expect(await stored('growing.csv', 'growing.com')).toEqual({ ingestions: [], people: [] });
    expect(await bed.rejectsOf('growing.csv')).toEqual([]);

    // Once it has stopped changing, the whole file loads, under the hash of what was loaded.
    expect(await ingestContactsFile(bed.db.pgPool(), path)).toMatchObject({ status: 'loaded', inserted: 6 });
    expect(await stored('growing.csv', 'growing.com')).toEqual({
      ingestions: [{ status: 'loaded', sha256: sha256(readFileSync(path, 'utf8')) }],
      people: [1, 2, 3, 4, 5, 6].map((i) => `g${i}@growing.com`),
    });
  });

  it('a file written to between the hash and the parse is rolled back with FileChangedError, recording nothing', async () => {
    const path = bed.write('between.csv', `${HEADER}\n${row('b1@between.com')}\n`);
    // The duplicate check runs after the hash pass and before the parse pass.
    const pool = hooked(bed.db.pgPool(), 'FROM records.ingestions WHERE sha256', () =>
      appendFileSync(path, `${row('b2@between.com')}\n`),
    );
    await expect(ingestContactsFile(pool, path)).rejects.toThrow(FileChangedError);
    expect(await stored('between.csv', 'between.com')).toEqual({ ingestions: [], people: [] });
  });

  it('a file replaced under its name (mv) after it was hashed: the content loaded is the content hashed', async () => {
    const first = `${HEADER}\n${row('first@replaced.com')}\n`;
    const path = bed.write('replaced.csv', first);
    const replacement = bed.write('replacement.tmp', `${HEADER}\n${row('second@replaced.com')}\n`);
    const pool = hooked(bed.db.pgPool(), 'FROM records.ingestions WHERE sha256', () =>
      renameSync(replacement, path),
    );
    expect(await ingestContactsFile(pool, path)).toMatchObject({ status: 'loaded', inserted: 1 });
    expect(await stored('replaced.csv', 'replaced.com')).toEqual({
      ingestions: [{ status: 'loaded', sha256: sha256(first) }],
      people: ['first@replaced.com'],
    });
  });

  it('a file still being written is not judged: a cut-short header throws FileChangedError, not "rejected"', async () => {
    const path = bed.write('partial.csv', 'first_name,last_name,comp');
    // The writer goes on after the parse pass started; the header read is the cut-short one.
    const pool = hooked(bed.db.pgPool(), 'CREATE TEMP TABLE rejected_emails', () =>
      appendFileSync(path, 'any_name\n'),
    );
    await expect(ingestContactsFile(pool, path)).rejects.toThrow(FileChangedError);
    expect(await stored('partial.csv', 'partial.com')).toEqual({ ingestions: [], people: [] });
  });
});
