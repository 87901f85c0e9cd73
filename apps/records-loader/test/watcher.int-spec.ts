import { openMigratedDatabase, type Database } from '@caudal/platform';
import {
  FileChangedError,
  ingestContactsFile,
  RECORDS_MIGRATIONS,
  RECORDS_ROLE,
  type IngestionSummary,
} from '@caudal/records';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { inboxFolders, type InboxFolders } from '../src/inbox';
import { InboxWatcher } from '../src/watcher';

const HEADER = 'first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department';
const row = (email: string) => `W,Atcher,Watch Co,1 St,Reno,NV,89501,,,${email},Sales`;

describe('records loader watcher: no error stops it (real PostgreSQL, or PGlite)', () => {
  let pg: TestPostgres;
  let db: Database;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    pg = await createTestPostgres('records_watcher');
    db = await openMigratedDatabase({ role: RECORDS_ROLE, url: pg.url, migrations: RECORDS_MIGRATIONS });
    dir = mkdtempSync(join(tmpdir(), 'caudal-watch-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.close();
    await pg?.close();
  });

  const setup = (ingest: (path: string) => Promise<IngestionSummary>, incompleteGraceMs?: number) => {
    const folders = inboxFolders(join(dir, `drop${++n}`, 'inbox'));
    const logs: { msg: string; level: number }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const watcher = new InboxWatcher({
      folders,
      logger,
      pollMs: 100,
      describe: (s) => `${s.file} ${s.status}`,
      ingest,
      ...(incompleteGraceMs === undefined ? {} : { incompleteGraceMs }),
    });
    return { folders, logs, watcher };
  };
  const names = (folder: string) => readdirSync(folder).map((name) => name.replace(/^.*Z-/, ''));
  const person = async (email: string) =>
    (await db.pgPool().query(`SELECT 1 FROM records.people WHERE email = $1`, [email])).rowCount;

  it('a file removed while the inbox is being handled is skipped, and the next file still loads', async () => {
    const { folders, logs, watcher } = setup(async (path) => {
      if (basename(path) === 'a.csv') unlinkSync(path); // gone between the scan and the read
      return ingestContactsFile(db.pgPool(), path);
    });
    writeFileSync(join(folders.inbox, 'a.csv'), `${HEADER}\n${row('vanished@watch.com')}\n`);
    writeFileSync(join(folders.inbox, 'b.csv'), `${HEADER}\n${row('after@watch.com')}\n`);
    await watcher.poll(); // first sight: not yet known to be complete
    expect(await watcher.poll()).toBe(100);
    expect(readdirSync(folders.inbox)).toEqual([]);
    expect(names(folders.processed)).toEqual(['b.csv']);
    expect(names(folders.failed)).toEqual([]);
    expect(await person('after@watch.com')).toBe(1);
    expect(logs.map((l) => l.msg)).toContain('a.csv was removed from the inbox before it was read; skipped');
  });

  it('while the database cannot be reached the file stays in the inbox, with a growing wait', async () => {
    const unreachable = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    let folders: InboxFolders;
    try {
      const down = setup((path) => ingestContactsFile(unreachable, path));
      folders = down.folders;
      writeFileSync(join(folders.inbox, 'later.csv'), `${HEADER}\n${row('later@watch.com')}\n`);
      await down.watcher.poll();
      expect(await down.watcher.poll()).toBe(100);
      expect(await down.watcher.poll()).toBe(200);
      expect(await down.watcher.poll()).toBe(400);
      expect(readdirSync(folders.inbox)).toEqual(['later.csv']);
      expect(names(folders.failed)).toEqual([]);
      expect(down.logs.filter((l) => l.level === 40).map((l) => l.msg)).toContain(
        'the records database cannot be reached; the file stays in the inbox and is tried again later',
      );
    } finally {
      await unreachable.end();
    }
    // The database is back: the same inbox is loaded.
    const watcher = new InboxWatcher({
      folders,
      logger: pino({ level: 'silent' }),
      pollMs: 100,
      describe: (s) => s.status,
      ingest: (path) => ingestContactsFile(db.pgPool(), path),
    });
    await watcher.poll();
    await watcher.poll();
    expect(names(folders.processed)).toEqual(['later.csv']);
    expect(await person('later@watch.com')).toBe(1);
  });

  it('a file that cannot be moved out of the inbox is logged once and not read again', async () => {
    let reads = 0;
    const { folders, logs, watcher } = setup((path) => {
      reads++;
      return ingestContactsFile(db.pgPool(), path);
    });
    rmSync(folders.processed, { recursive: true });
    writeFileSync(folders.processed, 'not a folder'); // renames into it fail
    writeFileSync(join(folders.inbox, 'stuck.csv'), `${HEADER}\n${row('stuck@watch.com')}\n`);
    writeFileSync(join(folders.inbox, 'broken.csv'), 'no,header\n');
    for (let i = 0; i < 4; i++) await watcher.poll();
    expect(reads).toBe(2);
    expect(readdirSync(folders.inbox)).toEqual(['stuck.csv']);
    expect(names(folders.failed)).toEqual(['broken.csv']);
    expect(await person('stuck@watch.com')).toBe(1);
    expect(logs.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      'stuck.csv cannot be moved out of the inbox; it is left there and not read again until it is moved or renamed',
    ]);
  });

  it('a file that does not end with a line break is read only once it has stayed unchanged for the grace', async () => {
    let reads = 0;
    const { folders, watcher } = setup((path) => {
      reads++;
      return ingestContactsFile(db.pgPool(), path);
    }, 400);
    // A writer paused mid-row: the last line is cut short.
    writeFileSync(join(folders.inbox, 'slow.csv'), `${HEADER}\n${row('slow@watch.com')}\nW,Atch`);
    await watcher.poll();
    await watcher.poll(); // unchanged, but not complete: not read yet
    expect(reads).toBe(0);
    writeFileSync(
      join(folders.inbox, 'slow.csv'),
      `${HEADER}\n${row('slow@watch.com')}\n${row('slow2@watch.com')}`,
    );
    await watcher.poll(); // changed: seen again
    await new Promise((r) => setTimeout(r, 450));
    await watcher.poll(); // unchanged for the grace: read, even without a final line break
    expect(reads).toBe(1);
    expect(names(folders.processed)).toEqual(['slow.csv']);
    expect(await person('slow2@watch.com')).toBe(1);
  });

  it('a file replaced in the inbox while it was read is not moved; the new one is read on a later pass', async () => {
    const { folders, logs, watcher } = setup(async (path) => {
      const summary = await ingestContactsFile(db.pgPool(), path);
      if (!(await person('second@watch.com'))) {
        // Meanwhile the sender drops a new version under the same name (written aside, then renamed).
        const aside = join(folders.inbox, '..', 'next.tmp');
        writeFileSync(aside, `${HEADER}\n${row('second@watch.com')}\n`);
        renameSync(aside, path);
      }
      return summary;
    });
    writeFileSync(join(folders.inbox, 'r.csv'), `${HEADER}\n${row('first@watch.com')}\n`);
    await watcher.poll();
    await watcher.poll(); // reads the first version; the second replaces it meanwhile
    expect(await person('first@watch.com')).toBe(1);
    expect(readdirSync(folders.inbox)).toEqual(['r.csv']);
    expect(names(folders.processed)).toEqual([]);
    expect(logs.map((l) => l.msg)).toContain(
      'r.csv was replaced in the inbox while it was read; the new file is read on a later pass',
    );
    await watcher.poll();
    await watcher.poll();
    expect(await person('second@watch.com')).toBe(1);
    expect(names(folders.processed)).toEqual(['r.csv']);
  });

  it('a file that changed while it was read stays in the inbox and is read again once it stops changing', async () => {
    let reads = 0;
    let changed: unknown;
    const { folders, logs, watcher } = setup(async (path) => {
      if (++reads > 1) return ingestContactsFile(db.pgPool(), path);
      // The sender was still writing: a row is appended while the first rows are staged.
      let appended = false;
      const append = () => {
        if (!appended) appendFileSync(path, `${row('late@watch.com')}\n`);
        appended = true;
      };
      return ingestContactsFile(db.pgPool(), path, { progressEvery: 1, onProgress: append }).catch(
        (error: unknown) => {
          changed = error;
          throw error;
        },
      );
    });
    writeFileSync(join(folders.inbox, 'c.csv'), `${HEADER}\n${row('early@watch.com')}\n`);
    await watcher.poll();
    expect(await watcher.poll()).toBe(100);
    expect(changed).toBeInstanceOf(FileChangedError);
    expect(readdirSync(folders.inbox)).toEqual(['c.csv']); // nothing loaded, nothing moved
    expect(await person('early@watch.com')).toBe(0);
    await watcher.poll(); // seen afresh
    await watcher.poll(); // unchanged since: read whole
    expect(reads).toBe(2);
    expect(names(folders.processed)).toEqual(['c.csv']);
    expect(await person('late@watch.com')).toBe(1);
    expect(logs.map((l) => l.msg)).toContain(
      'c.csv changed while it was read; it is read again once it stops changing',
    );
  });

  it('a file written to after it was read is not moved; it is read again with what was added', async () => {
    let reads = 0;
    const { folders, logs, watcher } = setup(async (path) => {
      const summary = await ingestContactsFile(db.pgPool(), path);
      if (++reads === 1) appendFileSync(path, `${row('added@watch.com')}\n`); // after the commit
      return summary;
    });
    writeFileSync(join(folders.inbox, 'w.csv'), `${HEADER}\n${row('before@watch.com')}\n`);
    await watcher.poll();
    await watcher.poll();
    expect(readdirSync(folders.inbox)).toEqual(['w.csv']);
    expect(logs.map((l) => l.msg)).toContain(
      'w.csv was written to after it was read; it stays in the inbox and is read again',
    );
    await watcher.poll();
    await watcher.poll();
    expect(reads).toBe(2);
    expect(await person('added@watch.com')).toBe(1);
    expect(names(folders.processed)).toEqual(['w.csv']);
  });

  it('a file that changed after the scan found it ready is not read in that pass', async () => {
    const read: string[] = [];
    const { folders, watcher } = setup(async (path) => {
      read.push(basename(path));
      if (basename(path) === 'a.csv') {
        // While a.csv is read, b.csv is rewritten by a writer that stalls mid-row.
        writeFileSync(
          join(folders.inbox, 'b.csv'),
          `${HEADER}\n${row('cut@watch.com').replace(/Sales$/, 'Sal')}`,
        );
      }
      return ingestContactsFile(db.pgPool(), path);
    }, 60_000);
    writeFileSync(join(folders.inbox, 'a.csv'), `${HEADER}\n${row('a@watch.com')}\n`);
    writeFileSync(join(folders.inbox, 'b.csv'), `${HEADER}\n${row('b@watch.com')}\n`);
    await watcher.poll();
    await watcher.poll(); // both ready; b.csv changes while a.csv is read
    expect(read).toEqual(['a.csv']);
    await watcher.poll();
    await watcher.poll(); // b.csv is unchanged now, but cut mid-row: it waits for the grace
    expect(read).toEqual(['a.csv']);
    expect(await person('cut@watch.com')).toBe(0);
    expect(readdirSync(folders.inbox)).toEqual(['b.csv']);
  });
});
