import { openMigratedDatabase, type Database } from '@caudal/platform';
import { ingestContactsFile, RECORDS_MIGRATIONS, RECORDS_ROLE, type IngestionSummary } from '@caudal/records';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

  const setup = (ingest: (path: string) => Promise<IngestionSummary>) => {
    const folders = inboxFolders(join(dir, `drop${++n}`, 'inbox'));
    const logs: { msg: string; level: number }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const watcher = new InboxWatcher({
      folders,
      logger,
      pollMs: 100,
      describe: (s) => `${s.file} ${s.status}`,
      ingest,
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
});
